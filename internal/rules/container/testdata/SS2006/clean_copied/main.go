package main

import (
	"html/template"
	"log"
	"net/http"
	"os"
)

func main() {
	pages := template.Must(template.ParseGlob("templates/*.html"))
	cfg, err := os.ReadFile("config.yaml")
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("config: %d bytes", len(cfg))
	extra, err := os.ReadFile("extra.yaml")
	if err != nil && !os.IsNotExist(err) {
		log.Fatal(err)
	}
	log.Printf("extra: %d bytes", len(extra))
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("static"))))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { pages.ExecuteTemplate(w, "index.html", nil) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
