package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux)) // want SS6002 "listens on 127.0.0.1 only.*Dockerfile \\(Dockerfile:10 EXPOSE 8080\\)"
}
