// Command clean-api is a small service built the way shipshape recommends: static binary,
// assets embedded, CA bundle and zoneinfo compiled in, port from the environment with a default
// that every deployment file agrees on.
package main

import (
	"embed"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"os"
	"time"
	_ "time/tzdata"
)

//go:embed web
var webFS embed.FS

func main() {
	pages := template.Must(template.ParseFS(webFS, "web/*.html"))
	static, err := fs.Sub(webFS, "web")
	if err != nil {
		log.Fatal(err)
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.FS(static))))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		pages.ExecuteTemplate(w, "index.html", time.Now().In(loc))
	})
	addr := ":8080"
	if p := os.Getenv("PORT"); p != "" {
		addr = ":" + p
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
