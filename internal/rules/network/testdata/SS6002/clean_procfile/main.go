package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	go func() {
		log.Println(http.ListenAndServe("127.0.0.1:6060", nil))
	}()
	log.Fatal(http.ListenAndServe(":"+os.Getenv("PORT"), http.NotFoundHandler()))
}
