// Command lowport defaults to port 80 from $PORT and shows times in a named zone.
package main

import (
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		log.Fatal(err)
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "80"
	}
	http.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(time.Now().In(loc).String())) })
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
