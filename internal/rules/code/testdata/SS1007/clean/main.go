package main

import (
	"fmt"
	"log"
	"os"
	"time"
	_ "time/tzdata"
)

func main() {
	for _, name := range []string{"Asia/Shanghai", "America/New_York", "Etc/GMT-8", "EST5EDT", "US/Eastern"} {
		if _, err := time.LoadLocation(name); err != nil {
			log.Fatal(err)
		}
	}
	utc, _ := time.LoadLocation("UTC")
	local, _ := time.LoadLocation("Local")
	fromEnv, err := time.LoadLocation(os.Getenv("APP_TZ"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(utc, local, fromEnv)
}
