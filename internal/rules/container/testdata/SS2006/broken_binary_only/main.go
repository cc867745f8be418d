package main

import (
	"html/template"
	"log"
	"net/http"
	"os"
)

func main() {
	pages := template.Must(template.ParseGlob("templates/*.html")) // want SS2006 "template.ParseGlob loads templates/\\*.html relative to the working directory; the image of Dockerfile starts in /app .*only /server is copied into the final stage.*pattern matches no files"
	cfg, err := os.ReadFile("config.yaml")                         // want SS2006 "opens config.yaml .* has no /app/config.yaml"
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("config: %d bytes", len(cfg))
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("static")))) // want SS2006 "serves static .*404"
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { pages.ExecuteTemplate(w, "index.html", nil) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
