package main

import (
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("file") // want SS2013 "http.Request.FormFile spills file parts .* the image of Dockerfile \\(scratch, base scratch\\) has no /tmp and sets no TMPDIR"
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer f.Close()
		tmp, err := os.CreateTemp("", "upload-*") // want SS2013 "os.CreateTemp creates its file in the default temporary directory"
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer os.Remove(tmp.Name())
		io.Copy(tmp, f)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
