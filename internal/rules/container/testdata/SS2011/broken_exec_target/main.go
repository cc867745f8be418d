package main

import (
	"log"
	"net/http"
	"os/exec"
)

func main() {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output() // want SS2011 "exec.Command runs \"git\", but the image of Dockerfile \\(gcr.io/distroless/static-debian12\\) has no git"
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("revision %s", out)
	http.HandleFunc("/convert", func(w http.ResponseWriter, r *http.Request) {
		if err := exec.Command("/usr/local/bin/render", "in.svg").Run(); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
