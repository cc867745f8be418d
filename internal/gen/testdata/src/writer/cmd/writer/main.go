// Command writer reads its config by relative path, writes uploads under data/ and a cache
// under /var/lib/writer, needs API_TOKEN and calls an HTTPS API.
package main

import (
	"log"
	"net/http"
	"os"
	"path/filepath"
)

var version = "dev"

func main() {
	token := os.Getenv("API_TOKEN")
	if token == "" {
		log.Fatal("API_TOKEN is required")
	}
	cfg, err := os.ReadFile("config/app.yaml")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll("data/uploads", 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll("/var/lib/writer/cache", 0o755); err != nil {
		log.Fatal(err)
	}
	// MkdirAll succeeds on a directory that exists whoever owns it: write to prove access.
	if err := os.WriteFile("data/uploads/.started", nil, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("/var/lib/writer/cache/.started", nil, 0o644); err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.CreateTemp("", "upload-*")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer os.Remove(f.Name())
		os.WriteFile(filepath.Join("data/uploads", filepath.Base(f.Name())), cfg, 0o644)
		resp, err := http.Get("https://api.example.com/notify")
		if err == nil {
			resp.Body.Close()
		}
	})
	log.Printf("writer %s", version)
	log.Fatal(http.ListenAndServe(":9000", mux))
}
