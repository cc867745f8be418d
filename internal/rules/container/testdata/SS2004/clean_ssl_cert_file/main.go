package main

import (
	"io"
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	for {
		resp, err := http.Get("https://api.github.com/zen")
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(os.Stdout, resp.Body)
		resp.Body.Close()
		time.Sleep(time.Minute)
	}
}
