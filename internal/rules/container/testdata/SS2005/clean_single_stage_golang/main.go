package main

import (
	"fmt"
	"log"
	"time"
)

func main() {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(time.Now().In(berlin))
}
