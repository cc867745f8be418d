package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	cfg, err := os.ReadFile("/etc/app/config.yaml")
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("config: %d bytes", len(cfg))
	addr := ":8080"
	if p := os.Getenv("PORT"); p != "" {
		addr = ":" + p
	}
	log.Fatal(http.ListenAndServe(addr, http.NotFoundHandler()))
}
