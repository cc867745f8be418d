package k8s

import (
	"bytes"
	"fmt"
	"github.com/shipshape-dev/shipshape/internal/yamlnode"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func parseFile(t testing.TB, name string) ([]*Object, []source.Note) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(name, b)
}

func values(ss []Scalar) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Value)
	}
	return out
}

func at(s Scalar) string { return fmt.Sprintf("%s@%d:%d", s.Value, s.Pos.Line, s.Pos.Col) }

func TestDeployment(t *testing.T) {
	objs, notes := parseFile(t, "app.yaml")
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.Kind+"/"+o.Name.Value)
	}
	want := []string{"Deployment/api", "Service/api", "Service/other", "ConfigMap/api-config", "Secret/api-db", "CronJob/nightly", "Ingress/api"}
	if d := cmp.Diff(want, kinds); d != "" {
		t.Fatalf("objects (-want +got):\n%s", d)
	}
	d := objs[0]
	if d.Pos != (source.Pos{File: "app.yaml", Line: 2, Col: 1}) || at(d.Namespace) != "shop@6:14" {
		t.Errorf("deployment at %v, namespace %s", d.Pos, at(d.Namespace))
	}
	w := d.Workload
	if at(w.Selector["app"]) != "api@11:12" || w.PodLabels["tier"].Value != "backend" {
		t.Errorf("selector %v, pod labels %v", w.Selector, w.PodLabels)
	}
	if sc := w.SecurityContext; at(sc.RunAsUser) != "65532@20:20" || sc.RunAsNonRoot.Value != "true" || sc.ReadOnlyRootFilesystem.Set() {
		t.Errorf("pod securityContext %+v", sc)
	}
	if len(w.InitContainers) != 1 || !w.InitContainers[0].Init || cmp.Diff([]string{"/api", "migrate"}, values(w.InitContainers[0].Command)) != "" {
		t.Errorf("init containers %+v", w.InitContainers)
	}
	c := w.Containers[0]
	if at(c.Image) != "ghcr.io/shop/api:1.4.2@27:18" || at(c.Args[0]) != "--listen=:8080@29:15" || c.WorkingDir.Value != "/app" {
		t.Errorf("container image %s args %v workingDir %v", at(c.Image), c.Args, c.WorkingDir)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		s := e.Value.Value
		if e.From != nil {
			s = fmt.Sprintf("%s:%s/%s optional=%v", e.From.Kind, e.From.Name.Value, e.From.Key.Value, e.From.Optional)
		}
		if e.FieldPath.Set() {
			s = "field:" + e.FieldPath.Value
		}
		env[e.Name.Value] = s
	}
	wantEnv := map[string]string{"PORT": "8080", "DATABASE_URL": "Secret:api-db/url optional=false",
		"LOG_LEVEL": "ConfigMap:api-config/log_level optional=true", "POD_IP": "field:status.podIP"}
	if d := cmp.Diff(wantEnv, env); d != "" {
		t.Errorf("env (-want +got):\n%s", d)
	}
	if len(c.EnvFrom) != 2 || c.EnvFrom[0].Kind != "ConfigMap" || c.EnvFrom[0].Prefix.Value != "APP_" ||
		c.EnvFrom[1].Kind != "Secret" || !c.EnvFrom[1].Optional || c.EnvFrom[1].Pos.Line != 49 {
		t.Errorf("envFrom %+v %+v", c.EnvFrom[0], c.EnvFrom[1])
	}
	if p := c.Port("metrics"); p == nil || at(p.ContainerPort) != "9090@53:46" || p.Protocol.Value != "TCP" {
		t.Errorf("port metrics %+v", p)
	}
	if p := c.LivenessProbe; p.Handler != "httpGet" || p.Path.Value != "/healthz" || at(p.Port) != "http@55:45" {
		t.Errorf("liveness %+v", p)
	}
	if p := c.ReadinessProbe; p.Handler != "tcpSocket" || p.Port.Value != "8080" {
		t.Errorf("readiness %+v", p)
	}
	if p := c.StartupProbe; p.Handler != "exec" || len(p.Command) != 2 || len(c.Probes()) != 3 {
		t.Errorf("startup %+v", p)
	}
	if c.MemoryLimit.Value != "256Mi" {
		t.Errorf("memory limit %v", c.MemoryLimit)
	}
	if sc := c.SecurityContext; sc.ReadOnlyRootFilesystem.Value != "true" || sc.AllowPrivilegeEscalation.Value != "false" ||
		cmp.Diff([]string{"ALL"}, values(sc.CapDrop)) != "" || cmp.Diff([]string{"NET_BIND_SERVICE"}, values(sc.CapAdd)) != "" {
		t.Errorf("container securityContext %+v", sc)
	}
	if m := c.VolumeMounts[0]; at(m.MountPath) != "/app/config.yaml@73:26" || m.SubPath.Value != "config.yaml" || !m.ReadOnly || c.VolumeMounts[1].ReadOnly {
		t.Errorf("mounts %+v", c.VolumeMounts)
	}
	vols := map[string]string{}
	for _, v := range w.Volumes {
		vols[v.Name.Value] = v.Source + ":" + v.Ref.Value
	}
	wantVols := map[string]string{"config": "configMap:api-config", "tmp": "emptyDir:", "certs": "secret:api-tls",
		"data": "persistentVolumeClaim:api-data", "host": "hostPath:/var/run/app", "all": "projected:"}
	if d := cmp.Diff(wantVols, vols); d != "" {
		t.Errorf("volumes (-want +got):\n%s", d)
	}
	if v := w.Volume("config"); len(v.Items) != 1 || at(v.Items[0].Key) != "config.yaml@83:22" {
		t.Errorf("config items %+v", v.Items)
	}
	if v := w.Volume("all"); len(v.Projected) != 2 || v.Projected[1].Ref.Value != "api-tls" || v.Projected[1].Items[0].Path.Value != "cert.pem" {
		t.Errorf("projected %+v", v.Projected)
	}

	svcs := Selecting(objs, d)
	if len(svcs) != 1 || svcs[0].Name.Value != "api" {
		t.Fatalf("services selecting api: %v", svcs)
	}
	sp := svcs[0].Service.Ports[0]
	if at(sp.TargetPort) != "http@116:19" || sp.Port.Value != "80" || svcs[0].Service.Type.Value != "ClusterIP" {
		t.Errorf("service port %+v", sp)
	}
	if c, p := w.ContainerPort(sp.TargetPort); c == nil || p.ContainerPort.Value != "8080" {
		t.Errorf("targetPort http resolves to %v %v", c, p)
	}
	if _, p := w.ContainerPort(svcs[0].Service.Ports[1].TargetPort); p != nil {
		t.Errorf("targetPort 9091 is declared by no container, got %+v", p)
	}
	if _, p := w.ContainerPort(svcs[0].Service.Ports[1].Port); p == nil || p.Name.Value != "metrics" {
		t.Errorf("9090 is the metrics port, got %+v", p)
	}
	cm := Find(objs, "ConfigMap", "api-config")
	if len(cm) != 1 || !cm[0].Config.Has("log_level") || !cm[0].Config.Has("config.yaml") || cm[0].Config.Has("url") {
		t.Errorf("configmap %+v", cm)
	}
	sec := Find(objs, "Secret", "api-db")
	if len(sec) != 1 || sec[0].Config.Type.Value != "Opaque" || at(sec[0].Config.Keys[0]) != "url@145:3" {
		t.Errorf("secret %+v", sec)
	}
	cj := Find(objs, "CronJob", "nightly")[0]
	if cj.Workload == nil || cj.Workload.Containers[0].Image.Value != "ghcr.io/shop/report:1" {
		t.Errorf("cronjob %+v", cj.Workload)
	}
	if ing := Find(objs, "Ingress", "api")[0]; ing.Workload != nil || ing.Service != nil || ing.Config != nil {
		t.Errorf("ingress should be kind/name only: %+v", ing)
	}
}

func TestAnchorsAndMerge(t *testing.T) {
	objs, notes := parseFile(t, "anchors.yaml")
	if len(objs) != 1 || len(notes) != 0 {
		t.Fatalf("objs %v notes %v", objs, notes)
	}
	cs := objs[0].Workload.Containers
	if len(cs) != 2 || cs[1].Name.Value != "b" || cs[1].Image.Value != "busybox" || len(cs[1].Env) != 1 || cs[1].Env[0].Name.Value != "SHARED" {
		t.Errorf("merged container b: %+v", cs[1])
	}
	if cs[0].Env[0].Pos.Line != 2 {
		t.Errorf("env from an alias keeps the anchor's position, got %v", cs[0].Env[0].Pos)
	}
}

func TestList(t *testing.T) {
	objs, _ := parseFile(t, "list.yaml")
	if len(objs) != 2 || objs[1].Kind != "Secret" || !objs[1].Config.Has("b") || objs[1].Pos.Line != 8 {
		t.Errorf("List items: %+v", objs)
	}
}

func TestHelmTemplate(t *testing.T) {
	objs, notes := parseFile(t, "chart/templates/deployment.yaml")
	if len(objs) != 1 {
		t.Fatalf("objects %v, notes %v", objs, notes)
	}
	o := objs[0]
	if !o.Template || !o.Name.Templated() || o.Name.Value != `{{ include "chart.fullname" . }}` {
		t.Errorf("name %q, template %v", o.Name.Value, o.Template)
	}
	c := o.Workload.Containers[0]
	if c.Image.Value != `{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}` || c.Image.Pos.Line != 15 {
		t.Errorf("image %s", at(c.Image))
	}
	if c.WorkingDir.Value != `{{ .Values.workdir | default "/srv" }}` {
		t.Errorf("quotes inside a directive inside quotes: workingDir %q", c.WorkingDir.Value)
	}
	if p := c.Port("http"); p == nil || at(p.ContainerPort) != "8080@18:30" {
		t.Errorf("port %+v", p)
	}
	if len(notes) != 1 || !strings.Contains(notes[0].Text, "Helm template") || notes[0].Pos.Line != 4 || notes[0].Pos.Col != 9 {
		t.Errorf("notes %v, want one Helm note at 4:9", notes)
	}
}

func TestKustomization(t *testing.T) {
	objs, notes := parseFile(t, "kustomization.yaml")
	if len(objs) != 1 || cmp.Diff([]string{"app.yaml", "../base"}, values(objs[0].Resources)) != "" || objs[0].Namespace.Value != "shop" {
		t.Errorf("kustomization %+v", objs)
	}
	if len(notes) != 1 || !strings.Contains(notes[0].Text, "kustomization") {
		t.Errorf("notes %v", notes)
	}
}

func TestBrokenDocuments(t *testing.T) {
	objs, notes := parseFile(t, "broken.yaml")
	var names []string
	for _, o := range objs {
		names = append(names, o.Name.Value)
	}
	if d := cmp.Diff([]string{"good", "after"}, names); d != "" {
		t.Errorf("a broken document must not cost the others (-want +got):\n%s", d)
	}
	var got []string
	for _, n := range notes {
		got = append(got, fmt.Sprintf("%d:%d", n.Pos.Line, n.Pos.Col))
	}
	// The tab at 9:1; the list document at line 15; the scalar document at line 18.
	if d := cmp.Diff([]string{"9:1", "15:0", "18:0"}, got); d != "" {
		t.Errorf("note positions (-want +got):\n%s\n%v", d, notes)
	}
}

func TestCRLF(t *testing.T) {
	objs, notes := parseFile(t, "crlf.yaml")
	if len(objs) != 1 || len(notes) != 0 || at(objs[0].Name) != "crlf@4:9" || !objs[0].Config.Has("key") {
		t.Errorf("objs %+v notes %v", objs, notes)
	}
}

func TestNotAManifest(t *testing.T) {
	if objs, notes := parseFile(t, "workflow.yml"); len(objs) != 0 || len(notes) != 0 {
		t.Errorf("workflow: %v %v", objs, notes)
	}
	if objs, notes := Parse("values.yaml", []byte("spec:\n  kind: x\n  apiVersion:\n\t- broken")); len(objs) != 0 || len(notes) != 0 {
		t.Errorf("unparseable non-manifest should be left to its owner: %v %v", objs, notes)
	}
}

func TestAliasBombs(t *testing.T) {
	for _, name := range []string{"bomb.yaml", "mergebomb.yaml"} {
		objs, notes := parseFile(t, name)
		if len(objs) != 1 || objs[0].Name.Value != "lol" {
			t.Errorf("%s: objects %v", name, objs)
		}
		if name == "mergebomb.yaml" && (len(notes) != 1 || !strings.Contains(notes[0].Text, "aliases")) {
			t.Errorf("%s: want an alias budget note, got %v", name, notes)
		}
	}
}

func TestBinaryAndHuge(t *testing.T) {
	_, notes := Parse("bin.yaml", []byte("apiVersion: v1\nkind: Pod\n\x00\x01\x02\xff"))
	if len(notes) != 1 || notes[0].Pos.Line != 3 || !strings.Contains(notes[0].Text, "NUL") {
		t.Errorf("binary: %v", notes)
	}
	_, notes = Parse("latin1.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n"))
	if len(notes) != 1 {
		t.Errorf("invalid UTF-8: %v", notes)
	}
	huge := bytes.Repeat([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n"), 100<<20/50)
	if _, notes := Parse("huge.yaml", huge); len(notes) != 1 || !strings.Contains(notes[0].Text, "limit") {
		t.Errorf("100 MB: %v", notes)
	}
	var one bytes.Buffer
	one.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n")
	for i := 0; one.Len() < 9<<20; i++ {
		fmt.Fprintf(&one, "  key%d: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]\n", i)
	}
	if _, notes := Parse("big.yaml", one.Bytes()); len(notes) != 1 || notes[0].Pos.Line != 1 {
		t.Errorf("9 MB document: %v", notes)
	}
	many := bytes.Repeat([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n---\n"), 9<<20/64)
	if objs, notes := Parse("many.yaml", many); len(objs) != yamlnode.MaxDocs || len(notes) != 1 || notes[0].Pos.Line != yamlnode.MaxDocs*5 { // the "---" before document 10001
		t.Errorf("9 MB of small documents: %d objects, %v", len(objs), notes)
	}
}

func TestDeepNesting(t *testing.T) {
	flow := "apiVersion: v1\nkind: Pod\nspec: " + strings.Repeat("[", 1<<16) + "\n"
	if _, notes := Parse("deep.yaml", []byte(flow)); len(notes) != 1 || notes[0].Pos.Line != 3 || !strings.Contains(notes[0].Text, "invalid YAML") {
		t.Errorf("flow nesting: %v", notes)
	}
	var block strings.Builder
	block.WriteString("apiVersion: v1\nkind: Pod\nmetadata: {name: deep}\nspec:\n")
	for i := 0; i < 1500; i++ {
		block.WriteString(strings.Repeat(" ", i+2) + "a:\n")
	}
	if objs, _ := Parse("deep.yaml", []byte(block.String())); len(objs) != 1 || objs[0].Name.Value != "deep" {
		t.Errorf("block nesting: %v", objs)
	}
}

func TestLoad(t *testing.T) {
	tr, err := tree.Walk("testdata", tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	objs, _ := Load(tr)
	if len(Find(objs, "Deployment", "api")) != 1 || len(Find(objs, "Kustomization", "")) != 1 {
		t.Errorf("Load found %d objects", len(objs))
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"app.yaml", "anchors.yaml", "broken.yaml", "chart/templates/deployment.yaml", "list.yaml", "mergebomb.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, notes := Parse("f.yaml", b)
		for _, o := range objs {
			if o.Pos.File != "f.yaml" || o.Pos.Line < 1 {
				t.Fatalf("object without position: %+v", o)
			}
		}
		for _, n := range notes {
			if n.Pos.File != "f.yaml" {
				t.Fatalf("note without file: %v", n)
			}
		}
	})
}

// BenchmarkParse200 parses 200 manifests: the Deployment of app.yaml alone (about 100 lines,
// a typical manifest) and the whole of app.yaml (7 objects).
func BenchmarkParse200(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "app.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	deployment := data[:bytes.Index(data, []byte("\n---"))+1]
	for _, c := range []struct {
		name string
		data []byte
	}{{"deployment", deployment}, {"seven-objects", data}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i := 0; i < 200; i++ {
					if objs, _ := Parse("app.yaml", c.data); len(objs) == 0 {
						b.Fatal("no objects")
					}
				}
			}
		})
	}
}
