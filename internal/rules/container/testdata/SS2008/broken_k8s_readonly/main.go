package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	if err := os.MkdirAll("data", 0o755); err != nil {
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
