package gocode

import (
	"go/ast"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// servicePorts are the well-known ports of the datastores and brokers a service connects to:
// a bare "localhost:6379" is taken for an endpoint only on one of them, since other host:port
// literals are as often listen addresses.
var servicePorts = map[int]string{
	5432: "postgres", 3306: "mysql", 6379: "redis", 27017: "mongodb", 5672: "amqp",
	9092: "kafka", 11211: "memcached", 4222: "nats", 2379: "etcd", 9200: "elasticsearch",
	8500: "consul", 9000: "clickhouse", 7687: "neo4j", 26257: "cockroachdb", 1433: "sqlserver",
	1521: "oracle", 4317: "grpc", 14268: "jaeger", 6831: "jaeger", 8125: "statsd",
}

// endpointSchemes are the URL schemes of clients; a URL of another scheme is not an endpoint.
var endpointSchemes = map[string]string{
	"postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "redis": "redis",
	"rediss": "redis", "mongodb": "mongodb", "mongodb+srv": "mongodb", "amqp": "amqp",
	"amqps": "amqp", "http": "http", "https": "http", "nats": "nats", "kafka": "kafka",
	"grpc": "grpc", "ws": "http", "wss": "http", "tcp": "tcp", "clickhouse": "clickhouse",
	"memcached": "memcached", "sqlserver": "sqlserver", "etcd": "etcd", "neo4j": "neo4j",
	"bolt": "neo4j",
}

// mysqlTCP matches the address part of a go-sql-driver/mysql DSN: user:pw@tcp(host:port)/db.
var mysqlTCP = regexp.MustCompile(`@tcp\(([^)]*)\)`)

// pgKeyword matches the host of a key=value postgres DSN: "host=localhost port=5432 …".
var pgKeyword = regexp.MustCompile(`(?:^|\s)host=(\S+)`)
var pgPort = regexp.MustCompile(`(?:^|\s)port=(\d+)`)

// pgSSL matches the sslmodes that verify the server's certificate against CA certificates;
// "require" encrypts without verifying, so it needs no CA bundle.
var pgSSL = regexp.MustCompile(`sslmode=(verify-ca|verify-full)`)

// literal looks at one string literal for hard-coded loopback endpoints and outbound TLS.
func (w *walker) literal(b *ast.BasicLit) {
	if len(b.Value) > 2048 {
		return
	}
	s, err := strconv.Unquote(b.Value)
	if err != nil {
		return
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if !strings.Contains(s, "localhost") && !strings.Contains(s, "127.") && !strings.Contains(s, "::1") &&
		!strings.Contains(s, "://") && !strings.Contains(s, "sslmode=") {
		return
	}
	site := w.site(b.Pos())
	for _, ep := range endpointsIn(s) {
		ep.Site = site
		if via, ok := w.defaults[b]; ok {
			ep.Overridable, ep.Via = true, via
		}
		w.x.facts.Endpoints = append(w.x.facts.Endpoints, ep)
	}
	if kind, target := tlsIn(s); kind != "" {
		w.x.facts.TLS = append(w.x.facts.TLS, &TLSUse{Site: site, Kind: kind, Target: target, Request: kind == "url" && w.requests[b]})
	}
}

// endpointsIn finds the loopback endpoints one literal names.
func endpointsIn(s string) []*Endpoint {
	if strings.Contains(s, "://") {
		if strings.ContainsAny(s, " \t\n") {
			return nil // a message mentioning a URL, not a URL
		}
		u, err := url.Parse(s)
		if err != nil {
			return nil
		}
		scheme, ok := endpointSchemes[strings.ToLower(u.Scheme)]
		if !ok {
			return nil
		}
		var out []*Endpoint
		// mongodb and redis cluster URLs list several hosts.
		for _, hp := range strings.Split(u.Host, ",") {
			host, port := splitAddr(hp)
			if port == 0 && !strings.Contains(hp, ":") {
				host = hp
			}
			if isLoopback(strings.Trim(host, "[]")) {
				out = append(out, &Endpoint{Value: s, Scheme: scheme, Host: host, Port: port})
			}
		}
		return out
	}
	if m := mysqlTCP.FindStringSubmatch(s); m != nil {
		host, port := splitAddr(m[1])
		if isLoopback(host) {
			return []*Endpoint{{Value: s, Scheme: "mysql", Host: host, Port: port}}
		}
		return nil
	}
	if m := pgKeyword.FindStringSubmatch(s); m != nil && (strings.Contains(s, "dbname=") || strings.Contains(s, "user=") || strings.Contains(s, "port=")) {
		if isLoopback(m[1]) {
			port := 0
			if p := pgPort.FindStringSubmatch(s); p != nil {
				port, _ = strconv.Atoi(p[1])
			}
			return []*Endpoint{{Value: s, Scheme: "postgres", Host: m[1], Port: port}}
		}
		return nil
	}
	if strings.ContainsAny(s, " \t\n/") {
		return nil
	}
	host, p, err := net.SplitHostPort(s)
	if err != nil {
		return nil
	}
	port, err := strconv.Atoi(p)
	if err != nil || !isLoopback(host) {
		return nil
	}
	if scheme, ok := servicePorts[port]; ok {
		return []*Endpoint{{Value: s, Scheme: scheme, Host: host, Port: port}}
	}
	return nil
}

// tlsIn says whether a literal is a URL or DSN that makes the client verify a TLS certificate.
func tlsIn(s string) (kind, target string) {
	if strings.ContainsAny(s, " \t\n") {
		if pgSSL.MatchString(s) && pgKeyword.MatchString(s) {
			return "driver", s
		}
		return "", ""
	}
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "wss://"):
		if u, err := url.Parse(s); err == nil && u.Host != "" && !strings.ContainsAny(u.Host, "{}%<>") {
			return "url", s
		}
	case strings.HasPrefix(lower, "mongodb+srv://"), strings.HasPrefix(lower, "rediss://"),
		strings.HasPrefix(lower, "amqps://"):
		return "driver", s
	case strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://"):
		if pgSSL.MatchString(s) {
			return "driver", s
		}
	case mysqlTCP.MatchString(s) && strings.Contains(s, "tls=true"):
		return "driver", s
	}
	return "", ""
}
