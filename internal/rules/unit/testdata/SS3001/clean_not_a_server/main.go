package main

import (
	"log"
	"os"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		log.Println("migrated")
		return
	}
	log.Println("done")
}
