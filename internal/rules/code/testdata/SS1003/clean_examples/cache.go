// Package cache is a client library; its examples run against a server on the developer's
// machine, which is what they are for.
package cache

// Client talks to a cache server.
type Client struct{ Addr string }

// New returns a client for addr.
func New(addr string) *Client { return &Client{Addr: addr} }
