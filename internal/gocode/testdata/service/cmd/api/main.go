package main

import (
	"html/template"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/exec"
	"time"

	"example.com/service/internal/config"
	"github.com/gin-gonic/gin"
	_ "github.com/mattn/go-sqlite3"
)

const tmplDir = "templates"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		log.Fatal("DATABASE_URL is required")
	}
	tmpl := template.Must(template.ParseGlob(tmplDir + "/*.html"))
	_ = tmpl
	loc, err := time.LoadLocation("Asia/shanghai")
	_, _ = loc, err
	exec.Command("ffmpeg", "-version")
	r := gin.Default()
	r.Static("/static", "./static")
	r.LoadHTMLGlob("templates/*")
	go http.ListenAndServe("localhost:6060", nil)
	_ = config.Load()
	if err := r.Run(":" + port); err != nil {
		log.Fatal(err)
	}
}
