package main

import "github.com/gin-gonic/gin"

func main() {
	r := gin.Default() // want SS1002 "creates a Gin engine \\(gin.Default\\) in svc, and nothing sets the mode"
	r.GET("/ping", func(c *gin.Context) { c.String(200, "pong") })
	r.Run()
}
