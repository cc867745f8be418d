package config

import (
	"embed"
	"os"
)

//go:embed ../../static
var bad embed.FS

type Config struct {
	Redis string
}

func Load() *Config {
	data, err := os.ReadFile("config.yaml")
	if os.IsNotExist(err) {
		return &Config{Redis: "localhost:6379"}
	}
	_ = data
	return &Config{Redis: getEnv("REDIS_URL", "redis://127.0.0.1:6379/0")}
}

func getEnv(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
