package k8s

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kustomization is inline: a second kustomization under testdata would change TestLoad.
const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - app.yaml
configMapGenerator:
  - name: app-config
    literals:
      - MODE=production
      - "LOG_LEVEL=debug"
    files:
      - config.yaml
      - settings=conf/app.toml
secretGenerator:
  - name: app-secrets
    envs: [secrets.env]
  - literals: [NO_NAME=1]
`

func TestKustomizationGenerators(t *testing.T) {
	objs, _ := Parse("deploy/kustomization.yaml", []byte(kustomization))
	if len(objs) != 1 {
		t.Fatalf("got %d objects, want the kustomization", len(objs))
	}
	var got []string
	for _, g := range objs[0].Generators {
		s := fmt.Sprintf("%s %s@%d:%d", g.Kind, at(g.Name), g.Pos.Line, g.Pos.Col)
		for _, k := range g.Keys {
			s += " " + at(k)
		}
		got = append(got, s)
	}
	want := []string{
		// Keys are the literal's name and the file's key (given, or the file's base name).
		"ConfigMap app-config@6:11@6:5 MODE@8:9 LOG_LEVEL@9:9 config.yaml@11:9 settings@12:9",
		"Secret app-secrets@14:11@14:5",
		// An entry without a name is kept: kustomize refuses it, and the name stays unset.
		"Secret @0:0@16:5 NO_NAME@16:16",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("generators (-want +got):\n%s", d)
	}
	if objs[0].Generators[2].Name.Set() {
		t.Errorf("unnamed generator has a name: %+v", objs[0].Generators[2].Name)
	}
}

func TestGeneratorsOnlyInKustomizations(t *testing.T) {
	// The same keys in a plain manifest are not generators.
	objs, _ := Parse("deploy/cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nconfigMapGenerator:\n  - name: y\n"))
	if len(objs) != 1 || objs[0].Generators != nil {
		t.Errorf("plain manifest gave generators: %+v", objs)
	}
}

// FuzzKustomization feeds arbitrary kustomization files to the reader, which must not panic.
func FuzzKustomization(f *testing.F) {
	f.Add(kustomization)
	f.Add("configMapGenerator: {name: x}\nsecretGenerator:\n  - files: [=]\n    literals: [\"=\", a=b=c]\n")
	f.Fuzz(func(t *testing.T, s string) {
		objs, _ := Parse("kustomization.yaml", []byte(s))
		for _, o := range objs {
			for _, g := range o.Generators {
				if g.Kind != "ConfigMap" && g.Kind != "Secret" {
					t.Fatalf("generator kind %q", g.Kind)
				}
			}
		}
	})
}
