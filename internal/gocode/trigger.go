package gocode

import (
	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// triggers are the words without which a file holds no fact the extractor records: every call,
// tag, directive and literal the walker looks for contains one of them. A file with none is not
// parsed, unless its package needs it (see extractPackage): that keeps the full parse to the
// files that matter, which is most of the time spent.
var triggers = []string{
	// environment
	"Getenv", "LookupEnv", "ExpandEnv", "viper", `env:"`, `envconfig:"`, "envDefault",
	// files
	"Open", "ReadFile", "Stat", "Create", "WriteFile", "Mkdir", "ReadDir", "DirFS", "ParseFiles",
	"ParseGlob", "LoadHTML", "Static", "Dir(", "ServeFile", "SetConfig", "AddConfigPath", "godotenv",
	"go:embed",
	// listeners and web frameworks
	"Listen", "Addr", "gin", "echo", "fiber",
	// TLS, endpoints
	"https://", "wss://", "tls", "srv://", "rediss", "amqps", "sslmode", "localhost", "127.", "::1",
	"aws-sdk-go", "cloud.google.com", "google.golang.org/api", "azure-sdk", "stripe-go",
	// time zones, programs, pprof, temporary files
	"LoadLocation", "exec", "pprof", "Temp", "Multipart", "FormFile",
}

var triggerTrie = ahocorasick.NewTrieBuilder().AddStrings(triggers).Build()

// triggered says whether src contains a trigger word.
func triggered(src []byte) bool { return triggerTrie.MatchFirst(src) != nil }
