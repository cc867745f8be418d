// Command orders-api is a small order service that runs fine with `go run .` on a laptop and
// fails in almost every way it can once it ships. shipshape's README checks it.
package main

import (
	"database/sql"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	_ "github.com/mattn/go-sqlite3"
	"github.com/redis/go-redis/v9"
)

func main() {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		log.Fatal("DATABASE_URL is required")
	}
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	cache := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer cache.Close()

	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		log.Fatal(err)
	}

	go func() {
		// Profiling for the developers.
		log.Println(http.ListenAndServe("0.0.0.0:6060", nil))
	}()

	r := gin.Default()
	r.LoadHTMLGlob("templates/*")
	r.Static("/static", "./static")
	r.GET("/orders/:id", func(c *gin.Context) {
		resp, err := http.Get("https://payments.example.com/status/" + c.Param("id"))
		if err != nil {
			c.String(http.StatusBadGateway, err.Error())
			return
		}
		resp.Body.Close()
		c.HTML(http.StatusOK, "order.html", gin.H{"id": c.Param("id"), "now": time.Now().In(berlin)})
	})
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })

	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Fatal(r.Run(":" + port))
}
