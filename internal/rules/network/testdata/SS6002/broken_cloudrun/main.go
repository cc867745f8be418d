package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	addr := "127.0.0.1:8080"
	if p := os.Getenv("PORT"); p != "" {
		addr = "127.0.0.1:" + p
	}
	log.Fatal(http.ListenAndServe(addr, mux)) // want SS6002 "listens on 127.0.0.1 only, but Cloud Run runs app"
}
