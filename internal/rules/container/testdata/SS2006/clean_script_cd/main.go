package main

import (
	"html/template"
	"log"
	"net/http"
)

func main() {
	pages := template.Must(template.ParseGlob("templates/*.html"))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { pages.ExecuteTemplate(w, "index.html", nil) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
