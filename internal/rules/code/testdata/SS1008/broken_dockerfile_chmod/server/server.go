// Package server is the HTTP server; cmd/api runs it.
package server

import "net/http"

// Run serves on :8080.
func Run() error { return http.ListenAndServe(":8080", nil) }
