package main

import (
	"database/sql"
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	broker := flag.String("broker", "amqp://guest:guest@localhost:5672/", "AMQP broker URL")
	flag.Parse()
	_ = broker
	// The endpoint comes from the environment; localhost is only the development fallback.
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		dsn = "postgres://app@localhost:5432/app?sslmode=disable"
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	// The OpenTelemetry collector runs as a sidecar or node agent: localhost is right.
	otlp := "localhost:4317"
	_ = otlp
	// A browser origin for CORS, not something this service connects to.
	allowed := []string{"http://localhost:3000"}
	_ = allowed
	// The service checking itself on its own port works wherever it runs.
	go func() {
		if resp, err := http.Get("http://127.0.0.1:8080/healthz"); err == nil {
			resp.Body.Close()
		}
	}()
	log.Fatal(http.ListenAndServe(":8080", nil))
}

// Options are the service's settings; the defaults are for development and are overridden by
// flags and the environment in deployments.
type Options struct {
	Cache string `envDefault:"localhost:6379"`
}
