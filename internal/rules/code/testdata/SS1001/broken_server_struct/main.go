package main

import (
	"log"
	"net/http"

	"example.com/svc/internal/debug"
)

func main() {
	debug.Enable()
	srv := &http.Server{Addr: "0.0.0.0:6060"}
	log.Fatal(srv.ListenAndServe())
}
