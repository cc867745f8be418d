package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	addr := os.Getenv("LISTEN_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	log.Fatal(http.ListenAndServe(addr, http.NotFoundHandler())) // want SS6002 "LISTEN_ADDR=localhost:8080"
}
