package main

import (
	"embed"
	"html/template"
	"log"
	"net/http"
)

//go:embed templates
var templatesFS embed.FS

func main() {
	pages := template.Must(template.ParseFS(templatesFS, "templates/*.html"))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { pages.ExecuteTemplate(w, "index.html", nil) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
