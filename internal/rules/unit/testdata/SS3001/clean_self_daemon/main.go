package main

import (
	"log"
	"net/http"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "start" {
		cmd := exec.Command(os.Args[0], "run")
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		os.WriteFile("/run/app.pid", []byte(""), 0o644)
		return
	}
	log.Fatal(http.ListenAndServe(":8080", http.NotFoundHandler()))
}
