package main

import "github.com/beego/beego/v2/server/web"

func main() {
	web.Run()
}
