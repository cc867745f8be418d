package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	rules := flag.String("rules", "rules.json", "rules file")
	flag.Parse()
	b, err := os.ReadFile("config.json")
	if err != nil {
		log.Fatalf("reading config: %v", err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		log.Fatal(err)
	}
	if _, err := os.ReadFile(*rules); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(":8080", nil))
}
