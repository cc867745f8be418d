package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	log.Fatal(http.ListenAndServe("localhost:8080", mux)) // want SS6002 "listens on localhost only.*readinessProbe port http.*Service app targetPort http"
}
