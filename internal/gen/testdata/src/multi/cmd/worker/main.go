// Command worker has no listener: no EXPOSE, no Service, no probes.
package main

import (
	"log"
	"os"
	"time"
)

func main() {
	queue := os.Getenv("QUEUE_URL")
	if queue == "" {
		log.Fatal("QUEUE_URL is required")
	}
	for range time.Tick(time.Minute) {
		log.Println("polling", queue)
	}
}
