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
	"os.Open", "ReadFile", "os.Stat", "os.Lstat", "os.Create", "WriteFile", "os.Mkdir", "ReadDir",
	"os.DirFS", "ParseFiles", "ParseGlob", "LoadHTML", ".Static", ".File(", "http.Dir(", "gin.Dir(",
	"ServeFile", "SetConfig", "AddConfigPath", "godotenv", "go:embed",
	// listeners and web frameworks
	"Listen", "Addr", "gin.", "echo.", "fiber.", "http.Serve", ".Run(", ".Start(",
	// TLS, endpoints
	"https://", "wss://", "tls.", "TLS", "srv://", "rediss", "amqps", "sslmode", "localhost",
	"127.", "::1", "aws-sdk-go", "cloud.google.com", "google.golang.org/api", "azure-sdk",
	"stripe-go",
	// time zones, programs, pprof, temporary files
	"LoadLocation", "exec.", "pprof", "CreateTemp", "MkdirTemp", "TempFile", "TempDir",
	"Multipart", "FormFile",
}

var triggerTrie = ahocorasick.NewTrieBuilder().AddStrings(triggers).Build()

// triggered says whether src contains a trigger word.
func triggered(src []byte) bool { return triggerTrie.MatchFirst(src) != nil }
