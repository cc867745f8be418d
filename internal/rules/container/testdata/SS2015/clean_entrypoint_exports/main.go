package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		log.Fatal("DATABASE_URL is required")
	}
	token, ok := os.LookupEnv("API_TOKEN")
	if !ok {
		log.Fatal("API_TOKEN is not set")
	}
	level := os.Getenv("LOG_LEVEL")
	if level == "" {
		level = "info"
	}
	log.Printf("db %d bytes, token %d bytes, level %s", len(dsn), len(token), level)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
