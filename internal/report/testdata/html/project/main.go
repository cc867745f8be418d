package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // <script>alert("not markup")</script> & friends
	"os"
)

func main() {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		log.Fatal("DATABASE_URL is required")
	}
	go http.ListenAndServe("0.0.0.0:6060", nil)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
