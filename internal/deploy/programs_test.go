package deploy

import "testing"

func TestRefName(t *testing.T) {
	for ref, want := range map[string]string{
		"registry.example.com/team/app:1.2.0":   "app",
		"app":                                   "app",
		"localhost:5000/app@sha256:abc":         "app",
		"ghcr.io/o/app:v1@sha256:abc":           "app",
		"{{ .Values.image.repository }}:latest": "",
		"${REGISTRY}/app":                       "",
		"":                                      "",
	} {
		if got := RefName(ref); got != want {
			t.Errorf("RefName(%q) = %q, want %q", ref, got, want)
		}
	}
}
