package main

import (
	"database/sql"
	"log"
	"net/http"
)

type cacheOptions struct{ Addr string }

func main() {
	db, err := sql.Open("postgres", "postgres://app:secret@localhost:5432/app?sslmode=disable") // want SS1003 "connects to postgres at localhost:5432, hard-coded"
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	orders, err := sql.Open("mysql", "root:secret@tcp(127.0.0.1:3306)/orders") // want SS1003 "connects to mysql at 127.0.0.1:3306"
	if err != nil {
		log.Fatal(err)
	}
	defer orders.Close()
	cache := cacheOptions{Addr: "127.0.0.1:6379"} // want SS1003 "connects to redis at 127.0.0.1:6379"
	_ = cache
	resp, err := http.Get("http://localhost:8081/api/v1/prices") // want SS1003 "connects to an HTTP service at localhost:8081"
	if err == nil {
		resp.Body.Close()
	}
	log.Fatal(http.ListenAndServe(":8080", nil))
}
