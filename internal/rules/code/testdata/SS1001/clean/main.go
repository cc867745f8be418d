package main

import (
	"log"
	"net/http"
	_ "net/http/pprof"
)

func main() {
	// The profiler stays on DefaultServeMux, bound to loopback only.
	go func() {
		log.Println(http.ListenAndServe("127.0.0.1:6060", nil))
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})
	log.Fatal(http.ListenAndServe(":8080", mux))
}
