package main

import (
	"log"
	"net/http"
	"os/exec"
)

func main() {
	http.HandleFunc("/convert", func(w http.ResponseWriter, r *http.Request) {
		if err := exec.Command("render", "in.svg").Run(); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	if _, err := exec.LookPath("git"); err != nil {
		log.Print("git not installed: revisions disabled")
	}
	log.Fatal(http.ListenAndServe(":8080", nil))
}
