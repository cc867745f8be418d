package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	path := os.Getenv("CONFIG_FILE")
	if path == "" {
		path = "/etc/app/config.yaml"
	}
	cfg, err := os.ReadFile(path)
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
