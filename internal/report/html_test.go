package report_test

import (
	"bytes"
	"context"
	"flag"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

var screenshotOut = flag.String("html.screenshot", "", "copy the screenshots of TestHTMLInChromium to this directory")

// htmlProject is a small tree of every kind of artifact the HTML report names targets for.
const htmlProject = "testdata/html/project"

// htmlRules adds titles for the IDs of htmlReport beyond the two fixture rules.
var htmlRules = append([]*rule.Rule{
	{ID: "SS2012", Class: "user-missing", Title: "image user cannot be resolved to a uid", Severity: rule.Error},
	{ID: "SS6001", Class: "port-mismatch", Title: "service listens on a different port than the deployment routes to", Severity: rule.Error},
	{ID: "SS2015", Class: "env-missing", Title: "required environment variable not set by the deployment", Severity: rule.Error},
}, fixtureRules...)

// htmlReport is a hand-made report over htmlProject (so that the golden file does not change
// with the catalog): a finding on each kind of target, findings on Go code whose related
// positions name an image, a file that is missing, a binary file, a CRLF script, a line past the
// end of its file, a finding without a file, markup in messages and in the lines shown.
func htmlReport() *report.Report {
	pos := func(file string, line, col int) source.Pos { return source.Pos{File: file, Line: line, Col: col} }
	return &report.Report{
		Root:  htmlProject,
		Rules: htmlRules,
		Findings: []rule.Finding{
			{
				ID: "SS2001", Class: "dynamic-loader-missing", Severity: rule.Error, Pos: pos("Dockerfile", 7, 1),
				Message: "Dockerfile:7 copies /out/app, built at Dockerfile:4 with cgo on, into alpine:3.20 (Dockerfile:6); main.go:5 imports net/http",
				Fix:     "Build with CGO_ENABLED=0.", Symptom: "the container exits at once",
				Related: []rule.Related{
					{Pos: pos("Dockerfile", 4, 5), Message: "go build with cgo on"},
					{Pos: pos("main.go", 5, 2), Message: "imports net/http"},
					{Pos: pos("Dockerfile", 6, 1), Message: "runtime base alpine:3.20"},
				},
			},
			{
				ID: "SS2012", Class: "user-missing", Severity: rule.Error, Pos: pos("Dockerfile", 9, 1),
				Message: "Dockerfile:9 USER app, but the image has no user app",
				Fix:     "Set USER to a numeric uid:gid.",
				Related: []rule.Related{{Pos: pos("Dockerfile", 6, 1), Message: "base alpine:3.20"}},
			},
			{
				ID: "SS2010", Class: "crlf-script", Severity: rule.Error, Pos: pos("entrypoint.sh", 1, 1),
				Message: "entrypoint.sh:1 ends its lines with CRLF; Dockerfile:10 runs it",
				Fix:     "Convert the script to LF line ends.",
				Related: []rule.Related{{Pos: pos("Dockerfile", 10, 1), Message: "ENTRYPOINT runs entrypoint.sh"}},
			},
			{
				ID: "SS6001", Class: "port-mismatch", Severity: rule.Error, Pos: pos("deploy/k8s/app.yaml", 28, 19),
				Message: "deploy/k8s/app.yaml:28 Service app targetPort 9090, but the program listens on 8080 (main.go:16)",
				Fix:     "Make the ports agree.",
				Related: []rule.Related{{Pos: pos("main.go", 16, 12), Message: "http.ListenAndServe listens on port 8080"}},
			},
			{
				ID: "SS6001", Class: "port-mismatch", Severity: rule.Warning, Pos: pos("deploy/k8s/app.yaml", 17, 30),
				Message: "deploy/k8s/app.yaml:17 containerPort 9090 <nothing listens> & \"quotes\"",
				Fix:     "Make the ports agree.",
				Related: []rule.Related{{Pos: pos("main.go", 16, 12), Message: "listens on <8080>"}},
			},
			{
				ID: "SS2015", Class: "env-missing", Severity: rule.Error, Pos: pos("compose.yaml", 7, 9),
				Message: "compose service web (compose.yaml:4) sets no DATABASE_URL, which main.go:11 requires",
				Fix:     "Set DATABASE_URL.",
				Related: []rule.Related{{Pos: pos("main.go", 11, 9), Message: "os.Getenv DATABASE_URL is required"}},
			},
			{
				ID: "SS6003", Class: "privileged-port", Severity: rule.Error, Pos: pos("deploy/systemd/app.service.d/override.conf", 2, 13),
				Message: "the drop-in sets PORT=80 for a unit that runs as User=app (deploy/systemd/app.service:6)",
				Fix:     "Listen on a port at or above 1024.",
				Related: []rule.Related{
					{Pos: pos("deploy/systemd/app.service", 6, 1), Message: "User=app"},
					{Pos: pos("deploy/systemd/app.service", 5, 1), Message: "ExecStart runs app"},
				},
			},
			{
				ID: "SS1001", Class: "pprof-exposed", Severity: rule.Warning, Pos: pos("main.go", 6, 2),
				Message: "main.go:6 imports net/http/pprof; main.go:15 serves it on all interfaces",
				Fix:     "Serve pprof on 127.0.0.1.",
				Related: []rule.Related{{Pos: pos("main.go", 15, 5), Message: "serves http.DefaultServeMux on 0.0.0.0:6060"}},
			},
			{
				ID: "SS1003", Class: "hardcoded-endpoint", Severity: rule.Info, Pos: pos("main.go", 99, 1),
				Message: "a position past the end of the file, and one in a file that is gone",
				Fix:     "Nothing.",
				Related: []rule.Related{{Pos: pos("deploy/gone.yaml", 3, 1), Message: "gone"}},
			},
			{
				ID: "SS1003", Class: "hardcoded-endpoint", Severity: rule.Info, Pos: pos("blob.bin", 1, 1),
				Message: "a finding on a binary file",
			},
			{
				ID: "SS9999", Class: "config-invalid", Severity: rule.Warning,
				Message: "a finding without a file, of a rule the report does not describe",
				Fix:     "Nothing.",
			},
		},
		Notes: []source.Note{
			{Pos: source.Pos{File: "big.go"}, Text: "skipped: 11 MB is over the 10 MB limit for a file"},
			{Text: "the directory has no <go.work>"},
		},
	}
}

func TestHTMLGolden(t *testing.T) {
	got := format(t, "html", htmlReport(), report.Options{ToolVersion: "v1.2.3"})
	path := filepath.Join("testdata", "html", "report.golden.html")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("the HTML report differs from %s (-want +got):\n%s", path, diff)
	}
}

// page is a rendered report cut into the parts the tests look at. It reads both the template's
// output and Chromium's serialization of the DOM, which keeps attributes in source order.
type page struct{ src string }

var (
	articleRe = regexp.MustCompile(`(?s)<article class="finding sev-(\w+)" id="[^"]*" data-id="([^"]*)">(.*?)</article>`)
	sectionRe = regexp.MustCompile(`(?s)<section class="target" id="[^"]*" data-kind="[^"]*">\s*<h2>(.*?)</h2>(.*?)</section>`)
	figureRe  = regexp.MustCompile(`(?s)<figure class="snippet (own|related)" data-file="([^"]*)">(.*?)</figure>`)
	tagRe     = regexp.MustCompile(`<[^>]*>`)
	spaceRe   = regexp.MustCompile(`\s+`)
)

// text is the visible text of a fragment of HTML, with spaces collapsed.
func text(fragment string) string {
	return strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(tagRe.ReplaceAllString(fragment, " ")), " "))
}

type renderedFinding struct {
	severity, id, body string
}

type renderedTarget struct {
	heading  string
	findings []renderedFinding
}

func (p page) targets() []renderedTarget {
	var out []renderedTarget
	for _, m := range sectionRe.FindAllStringSubmatch(p.src, -1) {
		t := renderedTarget{heading: text(m[1])}
		for _, a := range articleRe.FindAllStringSubmatch(m[2], -1) {
			t.findings = append(t.findings, renderedFinding{a[1], a[2], a[3]})
		}
		out = append(out, t)
	}
	return out
}

type renderedSnippet struct {
	role, file, body string
}

func snippetsOf(body string) []renderedSnippet {
	var out []renderedSnippet
	for _, m := range figureRe.FindAllStringSubmatch(body, -1) {
		out = append(out, renderedSnippet{m[1], html.UnescapeString(m[2]), m[3]})
	}
	return out
}

// markedLines are the line numbers of a snippet's marked rows, by kind ("primary", "related").
func markedLines(snippet string) map[string][]string {
	out := map[string][]string{}
	re := regexp.MustCompile(`<tr class="mark (primary|related)"><td class="ln">(\d+)</td>`)
	for _, m := range re.FindAllStringSubmatch(snippet, -1) {
		out[m[1]] = append(out[m[1]], m[2])
	}
	return out
}

func headings(ts []renderedTarget) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.heading)
	}
	return out
}

// TestHTMLTargets checks the grouping: each finding under the target it breaks, decided from its
// file and, for Go code and scripts, from the artifacts its related positions name.
func TestHTMLTargets(t *testing.T) {
	p := page{string(format(t, "html", htmlReport(), report.Options{}))}
	ts := p.targets()
	want := []string{"image Dockerfile", "Deployment shop/app", "compose service web", "unit app.service", "source Go code", "file blob.bin", "project the checked directory"}
	if diff := cmp.Diff(want, headings(ts)); diff != "" {
		t.Fatalf("target headings (-want +got):\n%s", diff)
	}
	ids := func(rt renderedTarget) []string {
		var out []string
		for _, f := range rt.findings {
			out = append(out, f.id+" "+f.severity)
		}
		return out
	}
	wantIDs := [][]string{
		// The CRLF script is part of the image that runs it (its related position).
		{"SS2001 error", "SS2012 error", "SS2010 error"},
		// The Service's finding belongs to the Deployment it selects; errors first.
		{"SS6001 error", "SS6001 warning"},
		{"SS2015 error"},
		// The drop-in's finding belongs to its unit.
		{"SS6003 error"},
		{"SS1001 warning", "SS1003 info"},
		{"SS1003 info"},
		{"SS9999 warning"},
	}
	for i, rt := range ts {
		if diff := cmp.Diff(wantIDs[i], ids(rt)); diff != "" {
			t.Errorf("findings of %s (-want +got):\n%s", rt.heading, diff)
		}
	}
	if !strings.Contains(p.src, "final stage FROM alpine:3.20 (Dockerfile:6)") {
		t.Error("the image target does not name its final stage's base")
	}
}

// TestHTMLSnippets checks the lines shown for each finding: one block per file, the finding's
// own file first, marked lines at the positions, the file's real text, and reasons instead of
// lines for files that cannot be shown.
func TestHTMLSnippets(t *testing.T) {
	p := page{string(format(t, "html", htmlReport(), report.Options{}))}
	byID := map[string]string{}
	for _, rt := range p.targets() {
		for _, f := range rt.findings {
			if _, dup := byID[f.id]; !dup {
				byID[f.id] = f.body
			}
		}
	}
	sn := snippetsOf(byID["SS2001"])
	if len(sn) != 2 || sn[0].file != "Dockerfile" || sn[0].role != "own" || sn[1].file != "main.go" || sn[1].role != "related" {
		t.Fatalf("SS2001 snippets = %+v, want Dockerfile (own) then main.go (related)", sn)
	}
	if diff := cmp.Diff(map[string][]string{"primary": {"7"}, "related": {"4", "6"}}, markedLines(sn[0].body)); diff != "" {
		t.Errorf("Dockerfile marks (-want +got):\n%s", diff)
	}
	if !strings.Contains(text(sn[0].body), "COPY --from=build /out/app /app") || !strings.Contains(text(sn[0].body), "go build with cgo on") {
		t.Errorf("the Dockerfile block lacks its line or its label:\n%s", text(sn[0].body))
	}
	if !strings.Contains(sn[1].body, `&lt;script&gt;alert(&#34;not markup&#34;)&lt;/script&gt;`) {
		t.Errorf("a line of main.go holding markup is not escaped:\n%s", sn[1].body)
	}

	// The CRLF script shows without its carriage returns.
	crlf := snippetsOf(byID["SS2010"])
	if len(crlf) != 2 || !strings.Contains(crlf[0].body, `<td class="tx">#!/bin/sh</td>`) || strings.Contains(crlf[0].body, "\r") {
		t.Errorf("entrypoint.sh block:\n%+v", crlf)
	}

	// Past the end, missing, binary: reasons, never a panic or the bytes.
	gone := snippetsOf(byID["SS1003"])
	if len(gone) != 2 {
		t.Fatalf("SS1003 snippets = %+v", gone)
	}
	for _, c := range []struct{ block, want string }{
		{gone[0].body, "line 99 is past the end of the file (17 lines)"},
		{gone[1].body, "not shown: deploy/gone.yaml is not in testdata/html/project"},
	} {
		if !strings.Contains(text(c.block), c.want) {
			t.Errorf("block does not say %q:\n%s", c.want, text(c.block))
		}
	}
	if !strings.Contains(p.src, "not shown: blob.bin is a binary file") || strings.Contains(p.src, "ELF") {
		t.Error("the binary file is shown, or its reason is missing")
	}
	if !strings.Contains(p.src, `containerPort 9090 &lt;nothing listens&gt; &amp; &#34;quotes&#34;`) || !strings.Contains(p.src, "listens on &lt;8080&gt;") {
		t.Error("markup in a message or a related message is not escaped")
	}
}

// TestHTMLSummary checks the header: verdict, counts by severity, the notes, links to the rule
// docs, and that nothing is loaded from the network.
func TestHTMLSummary(t *testing.T) {
	src := string(format(t, "html", htmlReport(), report.Options{ToolVersion: "v9"}))
	for _, want := range []string{
		`<p class="verdict fail"><span class="dot" aria-hidden="true"></span>6 errors: this will not start as deployed</p>`,
		`<li class="count sev-error"><span class="n">6</span> errors</li>`,
		`<li class="count sev-warning"><span class="n">3</span> warnings</li>`,
		`<li class="count sev-info"><span class="n">2</span> info</li>`,
		`<a class="id" href="docs/rules/SS2001.md">SS2001</a>`,
		`<span class="title">cgo binary on an image without libc</span>`,
		`<span class="class">dynamic-loader-missing</span>`,
		`<li><code>big.go</code> skipped: 11 MB is over the 10 MB limit for a file</li>`,
		`<li>the directory has no &lt;go.work&gt;</li>`,
		`<dt>Fix</dt><dd>Build with CGO_ENABLED=0.</dd>`,
		`<dt>Symptom</dt><dd><code>the container exits at once</code></dd>`,
		`shipshape v9`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	assertOffline(t, src)

	clean := string(format(t, "html", &report.Report{Root: "."}, report.Options{}))
	for _, want := range []string{`<p class="verdict pass">`, "no errors</p>", `<p class="empty">`} {
		if !strings.Contains(clean, want) {
			t.Errorf("a report without findings lacks %s:\n%s", want, clean)
		}
	}
	if strings.Contains(clean, "<details") {
		t.Error("a report without notes has a notes section")
	}
}

// assertOffline fails when the page would load anything: a src or href to another host, a CSS
// url() or @import, a script element.
func assertOffline(t *testing.T, src string) {
	t.Helper()
	lower := strings.ToLower(src)
	for _, bad := range []string{`src="http`, `href="http`, `src="//`, `href="//`, `url(`, `@import`, `<script`, `<link`} {
		// <script appears escaped (&lt;script) inside shown lines; only real tags count.
		if strings.Contains(lower, bad) {
			t.Errorf("the page holds %q: it must load nothing", bad)
		}
	}
}

// TestHTMLOddRoots checks roots and paths that cannot be read: nothing is shown from outside the
// root, and every block says why.
func TestHTMLOddRoots(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("TOP SECRET\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	fd := func(file string) rule.Finding {
		return rule.Finding{ID: "SS1001", Class: "pprof-exposed", Severity: rule.Warning, Pos: source.Pos{File: file, Line: 1}, Message: "m"}
	}
	rel, err := filepath.Rel(root, filepath.Join(outside, "secret.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		root, file, want string
	}{
		{root, "link.txt", "not shown: link.txt cannot be read"},
		{root, filepath.ToSlash(rel), "is not a path inside"},
		{root, "/etc/passwd", "not shown: /etc/passwd is not a path inside"},
		{root, "dir", "not shown: dir is not a regular file"},
		{filepath.Join(root, "nope"), "main.go", "is not a directory that can be read"},
		{filepath.Join(outside, "secret.txt"), "main.go", "is not a directory that can be read"},
	} {
		r := &report.Report{Root: c.root, Findings: []rule.Finding{fd(c.file)}}
		got := text(string(format(t, "html", r, report.Options{})))
		if strings.Contains(got, "TOP SECRET") {
			t.Errorf("root %s, file %s: the page shows a file outside the root", c.root, c.file)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("root %s, file %s: the page does not say %q:\n%s", c.root, c.file, c.want, got)
		}
	}
}

// FuzzHTMLLines renders a finding over arbitrary file content and positions: no error, no panic,
// and the content never comes out as markup.
func FuzzHTMLLines(f *testing.F) {
	f.Add([]byte("FROM alpine\r\nUSER app\r\n"), "Dockerfile", 2, "<b>bold</b>")
	f.Add([]byte("\xff\xfe\x00bin"), "deploy/k8s/x.yaml", 1, "")
	f.Add([]byte("apiVersion: v1\nkind: Service\nmetadata: {name: <i>}\n---\nkind: [\n"), "k.yaml", 3, "x")
	f.Add([]byte(strings.Repeat("x", 5000)+"\n<script>"), "compose.yaml", 2, "</td>")
	f.Fuzz(func(t *testing.T, content []byte, file string, line int, label string) {
		root := t.TempDir()
		name := "f.txt"
		if base := filepath.Base(filepath.Clean("/" + file)); base != "/" && base != "." && !strings.ContainsAny(base, "\x00") {
			name = base
		}
		if err := os.WriteFile(filepath.Join(root, name), content, 0o644); err != nil {
			t.Skip(err)
		}
		r := &report.Report{Root: root, Findings: []rule.Finding{{
			ID: "SS2001", Class: "dynamic-loader-missing", Severity: rule.Error,
			Pos: source.Pos{File: name, Line: line}, Message: label,
			Related: []rule.Related{{Pos: source.Pos{File: name, Line: line + 1}, Message: label}, {Pos: source.Pos{File: file, Line: line}}},
		}}}
		var buf bytes.Buffer
		if err := (report.HTML{}).Format(&buf, r, report.Options{}); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(buf.Bytes(), []byte("<script")) {
			t.Fatalf("content came out as a script element:\n%s", buf.String())
		}
	})
}

// browser finds headless Chromium (Debian's chromium or chromium-headless-shell package), or
// skips; with SHIPSHAPE_REQUIRE_BROWSER=1 (CI) a missing browser fails the test.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-headless-shell", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "headless Chromium is not installed (Debian: apt-get install chromium); the HTML report is not checked in a browser"
	if os.Getenv("SHIPSHAPE_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + ", and SHIPSHAPE_REQUIRE_BROWSER=1 requires it")
	}
	t.Skip(msg)
	return ""
}

// chromium runs headless Chromium with its own profile and returns stdout.
func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + t.TempDir(),
		"--no-first-run", "--disable-extensions", "--disable-background-networking",
		// No name resolves: a page that needed the network would show it in the screenshot.
		"--host-resolver-rules=MAP * ~NOTFOUND"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// TestHTMLInChromium renders the report of a real check of examples/orders-api, opens it in
// headless Chromium, and checks what the browser built from it (the DOM, not pixels): every
// finding with its ID and fix under a target heading, the lines of each file side by side, and
// a screenshot that is a real picture.
func TestHTMLInChromium(t *testing.T) {
	bin := browser(t)
	dir := filepath.Join("..", "..", "examples", "orders-api")
	res, err := check.Dir(dir, check.Options{Rules: catalog.All()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) == 0 {
		t.Fatal("the example has no findings: nothing to render")
	}
	r := &report.Report{Root: dir, Findings: res.Findings, Notes: res.Notes, Rules: catalog.All()}
	out := t.TempDir()
	file := filepath.Join(out, "report.html")
	src := format(t, "html", r, report.Options{ToolVersion: "test"})
	assertOffline(t, string(src))
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(abs)

	dom := page{string(chromium(t, bin, "--dump-dom", url))}
	if !strings.Contains(dom.src, "</html>") {
		t.Fatalf("Chromium dumped no document:\n%.500s", dom.src)
	}
	assertOffline(t, dom.src)
	ts := dom.targets()
	got := headings(ts)
	for _, want := range []string{"image Dockerfile", "Deployment orders-api", "unit orders-api.service", "source Go code"} {
		found := false
		for _, h := range got {
			found = found || h == want
		}
		if !found {
			t.Errorf("no target heading %q among %q", want, got)
		}
	}
	// Every finding of the check is rendered once, with its ID, severity and fix.
	var rendered []renderedFinding
	for _, rt := range ts {
		rendered = append(rendered, rt.findings...)
	}
	if len(rendered) != len(res.Findings) {
		t.Errorf("the browser shows %d findings, the check found %d", len(rendered), len(res.Findings))
	}
	for _, f := range res.Findings {
		found := false
		for _, rf := range rendered {
			body := text(rf.body)
			if rf.id == f.ID && rf.severity == f.Severity.String() && strings.Contains(body, text(html.EscapeString(f.Fix))) &&
				strings.Contains(body, f.ID) && strings.Contains(body, f.Pos.String()) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("finding %s at %s (%s) is not rendered with its ID, position and fix", f.ID, f.Pos, f.Severity)
		}
	}
	// A finding that names the Go code and the Dockerfile shows both files side by side, each
	// with its marked lines from the example.
	for _, rf := range rendered {
		if rf.id != "SS2001" {
			continue
		}
		sn := snippetsOf(rf.body)
		files := map[string]renderedSnippet{}
		for _, s := range sn {
			files[s.file] = s
		}
		df, mg := files["Dockerfile"], files["main.go"]
		if df.body == "" || mg.body == "" || sn[0].file != "Dockerfile" {
			t.Fatalf("SS2001 shows the files %+v, want Dockerfile first and main.go", sn)
		}
		if len(markedLines(df.body)["primary"]) != 1 || len(markedLines(mg.body)["related"]) == 0 {
			t.Errorf("SS2001: Dockerfile marks %v, main.go marks %v", markedLines(df.body), markedLines(mg.body))
		}
		if !strings.Contains(text(df.body), "COPY --from=build /out/orders-api /usr/local/bin/orders-api") ||
			!strings.Contains(text(mg.body), `"github.com/mattn/go-sqlite3"`) {
			t.Errorf("SS2001 does not show the example's lines:\n%s\n%s", text(df.body), text(mg.body))
		}
	}
	verdict := regexp.MustCompile(`<p class="verdict fail">.*?(\d+) errors: this will not start as deployed</p>`).FindStringSubmatch(dom.src)
	errs := 0
	for _, f := range res.Findings {
		if f.Severity == rule.Error {
			errs++
		}
	}
	if verdict == nil || verdict[1] != strconv.Itoa(errs) {
		t.Errorf("verdict %q, want %d errors", verdict, errs)
	}

	// Screenshots, light and dark: real pictures of the page at desktop width.
	for _, c := range []struct {
		name  string
		extra []string
	}{
		{"light.png", nil},
		{"dark.png", []string{"--force-dark-mode", "--blink-settings=preferredColorScheme=0"}},
		{"narrow.png", nil},
	} {
		shot := filepath.Join(out, c.name)
		size := "--window-size=1280,2000"
		if c.name == "narrow.png" {
			size = "--window-size=420,1600"
		}
		chromium(t, bin, append(c.extra, "--screenshot="+shot, size, "--hide-scrollbars", url)...)
		b, err := os.ReadFile(shot)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s is not a PNG: %v", c.name, err)
		}
		colours := map[uint32]bool{}
		bounds := img.Bounds()
		for y := bounds.Min.Y; y < bounds.Max.Y; y += 7 {
			for x := bounds.Min.X; x < bounds.Max.X; x += 7 {
				r, g, b, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|b>>8] = true
			}
		}
		if len(b) < 20<<10 || len(colours) < 50 {
			t.Errorf("%s: %d bytes, %d colours: the page did not render", c.name, len(b), len(colours))
		}
		// The page background follows prefers-color-scheme.
		r, g, bl, _ := img.At(bounds.Max.X-3, bounds.Max.Y-3).RGBA()
		lum := (r>>8 + g>>8 + bl>>8) / 3
		if dark := c.name == "dark.png"; dark != (lum < 100) {
			t.Errorf("%s: background luminance %d, dark mode %v", c.name, lum, dark)
		}
		if *screenshotOut != "" {
			if err := os.WriteFile(filepath.Join(*screenshotOut, c.name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// BenchmarkHTML renders the report of a check of examples/orders-api (every finding reads its
// files and parses the deployment files it names).
func BenchmarkHTML(b *testing.B) {
	dir := filepath.Join("..", "..", "examples", "orders-api")
	res, err := check.Dir(dir, check.Options{Rules: catalog.All()})
	if err != nil {
		b.Fatal(err)
	}
	r := &report.Report{Root: dir, Findings: res.Findings, Notes: res.Notes, Rules: catalog.All()}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := (report.HTML{}).Format(&buf, r, report.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}
