// Command gen700 writes a synthetic Go service of 700 files (a main package, 34 internal
// packages of 20 files, handlers that read env, open files, listen, and a Dockerfile, a
// Deployment and a unit) into a directory, for shipshape's check benchmark.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	artifacts := flag.Int("artifacts", 0, "also write this many deployment artifacts (Dockerfiles, manifests, units in turn)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gen700 [-artifacts N] DIR")
		os.Exit(2)
	}
	if err := Generate(flag.Arg(0), 700, *artifacts); err != nil {
		fmt.Fprintln(os.Stderr, "gen700:", err)
		os.Exit(1)
	}
}

// Generate writes a service with n Go files and extra deployment artifacts under dir.
func Generate(dir string, n, artifacts int) error {
	files := map[string]string{
		"go.mod": "module example.com/big\n\ngo 1.22\n",
		"Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/big ./cmd/big\n\n" +
			"FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/big /big\nEXPOSE 8080\nENTRYPOINT [\"/big\"]\n",
		"deploy/k8s.yaml":    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  template:\n    spec:\n      containers:\n        - name: big\n          image: big:1\n          ports: [{containerPort: 8080}]\n",
		"deploy/big.service": "[Service]\nType=exec\nExecStart=/usr/local/bin/big\n",
	}
	const perPkg = 20
	pkgs := (n - 1) / perPkg
	main := "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n"
	for p := range pkgs {
		main += fmt.Sprintf("\t\"example.com/big/internal/p%03d\"\n", p)
	}
	main += ")\n\nfunc main() {\n\tmux := http.NewServeMux()\n"
	for p := range pkgs {
		main += fmt.Sprintf("\tp%03d.Register(mux)\n", p)
	}
	main += "\tlog.Fatal(http.ListenAndServe(\":8080\", mux))\n}\n"
	files["cmd/big/main.go"] = main
	written := 1
	for p := 0; p < pkgs; p++ {
		for f := 0; f < perPkg && written < n; f++ {
			files[fmt.Sprintf("internal/p%03d/f%02d.go", p, f)] = file(p, f)
			written++
		}
	}
	for i := range artifacts {
		switch i % 3 {
		case 0:
			files[fmt.Sprintf("deploy/docker/svc%03d.Dockerfile", i)] = files["Dockerfile"]
		case 1:
			files[fmt.Sprintf("deploy/k8s/svc%03d.yaml", i)] = files["deploy/k8s.yaml"]
		case 2:
			files[fmt.Sprintf("deploy/systemd/svc%03d.service", i)] = files["deploy/big.service"]
		}
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func file(p, f int) string {
	s := fmt.Sprintf("package p%03d\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n\t\"os\"\n\t\"strings\"\n)\n\n", p)
	if f == 0 {
		s += "// Register mounts the package's handlers.\nfunc Register(mux *http.ServeMux) {\n"
		for i := range perFile {
			s += fmt.Sprintf("\tmux.HandleFunc(\"/p%03d/h%02d\", handle%02d_%02d)\n", p, i, 0, i)
		}
		s += "}\n\n"
	}
	for i := range perFile {
		s += fmt.Sprintf(`type record%02d_%02d struct {
	ID    string            `+"`json:\"id\"`"+`
	Name  string            `+"`json:\"name\"`"+`
	Attrs map[string]string `+"`json:\"attrs\"`"+`
}

func handle%02d_%02d(w http.ResponseWriter, r *http.Request) {
	region := os.Getenv("REGION_%03d")
	var rec record%02d_%02d
	if err := json.NewDecoder(r.Body).Decode(&rec); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec.Name = strings.ToUpper(rec.Name) + region
	for k, v := range rec.Attrs {
		if strings.HasPrefix(k, "x-") {
			delete(rec.Attrs, k)
			continue
		}
		rec.Attrs[k] = strings.TrimSpace(v)
	}
	_ = json.NewEncoder(w).Encode(rec)
}

`, f, i, f, i, p, f, i)
	}
	return s
}

const perFile = 6
