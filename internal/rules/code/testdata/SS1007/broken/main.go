package main

import (
	"fmt"
	"log"
	"time"
)

const officeZone = "America/New York"

func main() {
	shanghai, err := time.LoadLocation("Asia/shanghai") // want SS1007 "loads the time zone \"Asia/shanghai\".*case-sensitive; did you mean \"Asia/Shanghai\""
	if err != nil {
		log.Fatal(err)
	}
	office, err := time.LoadLocation(officeZone) // want SS1007 "underscores, not spaces; did you mean \"America/New_York\""
	if err != nil {
		log.Fatal(err)
	}
	plus8, err := time.LoadLocation("UTC+8") // want SS1007 "did you mean \"Etc/GMT-8\""
	if err != nil {
		log.Fatal(err)
	}
	typo, err := time.LoadLocation("Europe/Amsterdan") // want SS1007 "misspelling; did you mean \"Europe/Amsterdam\""
	if err != nil {
		log.Fatal(err)
	}
	pacific, err := time.LoadLocation("PST") // want SS1007 "\"PST\", which is not in the IANA database"
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(time.Now().In(shanghai), office, plus8, typo, pacific)
}
