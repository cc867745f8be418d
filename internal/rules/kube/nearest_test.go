package kube

import "testing"

func TestNearest(t *testing.T) {
	for _, c := range []struct {
		want  string
		cands []string
		near  string
	}{
		{"config.yaml", []string{"config.yml"}, "config.yml"},
		{"config.yaml", []string{"Config.yaml", "other.json"}, "Config.yaml"},
		{"settings.json", []string{"setings.json"}, "setings.json"},
		{"config.yaml", []string{"config.yaml"}, ""},
		{"config.yaml", []string{"tls.crt", "tls.key"}, ""},
		{"a.yml", []string{"b.yml"}, ""},
	} {
		if got := nearest(c.want, c.cands); got != c.near {
			t.Errorf("nearest(%q, %v) = %q, want %q", c.want, c.cands, got, c.near)
		}
	}
}

func TestKubectlCreate(t *testing.T) {
	for line, want := range map[string]string{
		"kubectl create secret generic db-credentials --from-literal=url=x":   "db-credentials",
		"kubectl -n prod create configmap app-config --from-file=config.yaml": "app-config",
		"oc create secret tls web-tls --cert=a --key=b":                       "web-tls",
		"kubectl create cm flags --from-literal=a=b":                          "flags",
	} {
		m := kubectlCreate.FindStringSubmatch(line)
		if m == nil || m[2] != want {
			t.Errorf("%q: got %v, want name %q", line, m, want)
		}
	}
	if m := kubectlCreate.FindStringSubmatch("we create secrets for you"); m != nil && m[2] == "for" {
		t.Errorf("prose matched as a kubectl command: %v", m)
	}
}
