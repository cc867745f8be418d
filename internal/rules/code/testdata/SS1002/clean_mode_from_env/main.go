package main

import (
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	mode := os.Getenv("APP_GIN_MODE")
	if mode == "" {
		mode = gin.ReleaseMode
	}
	gin.SetMode(mode)
	r := gin.Default()
	r.GET("/ping", func(c *gin.Context) { c.String(200, "pong") })
	r.Run(":8080")
}
