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
	_ = templatesFS
	pages := template.Must(template.ParseGlob("templates/*.html")) // want SS2006 "although main.go:10 embeds templates with //go:embed into templatesFS: the embedded copy is never used"
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { pages.ExecuteTemplate(w, "index.html", nil) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
