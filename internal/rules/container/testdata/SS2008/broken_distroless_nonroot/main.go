package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	if err := os.MkdirAll("data", 0o755); err != nil { // want SS2008 "os.MkdirAll writes /app/data, but the image of Dockerfile runs as user (65532|nonroot) \\(Dockerfile:6\\) and /app belongs to root \\(created at Dockerfile:7"
		log.Fatal(err)
	}
	if err := os.WriteFile("/var/lib/store/state.json", []byte("{}"), 0o644); err != nil {
		log.Fatal(err)
	}
	tmp, err := os.CreateTemp("", "store-*")
	if err != nil {
		log.Fatal(err)
	}
	tmp.Close()
	log.Fatal(http.ListenAndServe(":8080", nil))
}
