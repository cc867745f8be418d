package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	// The admin listener stays on loopback on purpose; the service itself is on all interfaces.
	go func() {
		log.Println(http.ListenAndServe("127.0.0.1:9001", http.NotFoundHandler()))
	}()
	addr := ":8080"
	if p := os.Getenv("PORT"); p != "" {
		addr = ":" + p
	}
	log.Fatal(http.ListenAndServe(addr, http.NotFoundHandler()))
}
