package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // want SS1001 "imports net/http/pprof for its side effect.*main.go:15 serves http.DefaultServeMux on :8080 \\(all interfaces\\)"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})
	// A nil handler is http.DefaultServeMux, where the blank import above registered
	// /debug/pprof/.
	log.Fatal(http.ListenAndServe(":8080", nil))
}
