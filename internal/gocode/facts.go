package gocode

import "github.com/shipshape-dev/shipshape/internal/source"

// Facts are the run-time needs of the Go code that ships: the modules of the tree, the programs
// (package main directories) and what the packages they reach do at start-up. Only code that
// ships is read: packages reachable from a main package, _test.go files left out, build
// constraints evaluated for GOOS=linux GOARCH=amd64 (cgo files kept, since cgo is unknown).
//
// Every fact list below is sorted by position. Each item names the package it was found in
// (Site.Pkg); a rule that reasons per binary keeps the items whose Pkg the program reaches
// (Program.Reaches).
type Facts struct {
	// Modules are the go.mod files of the tree, in path order, with their go.sum and
	// vendor/modules.txt checks.
	Modules []*Module
	// Programs are the package main directories (non-test) of the tree, one per binary.
	Programs []*Program
	// Packages maps an import path to a package of the tree (in a module, its vendor
	// directory or a local replace target) that some program reaches. Standard library and
	// external (not vendored) imports have no entry: see Program.Reach.
	Packages map[string]*Package
	// NotMain are directories that look like commands but are not package main: go build of
	// them writes no binary.
	NotMain []*NotMain
	// Dirs maps each directory of the tree that holds a package (a slash path relative to the
	// root; files that build for linux/amd64, _test.go and vendor/ left out) to its package
	// clause, whether or not a program reaches it: what `go build <dir>` compiles. A directory
	// whose files disagree on the package name does not build and has no entry.
	Dirs map[string]PackageClause

	// Cgo are the uses of cgo that reach a binary: `import "C"` in a shipped package, a
	// dependency known to need cgo, or `import "C"` found in the module cache.
	Cgo []*Cgo
	// Files are the paths the code opens on disk at run time.
	Files []*FileUse
	// Embeds are the //go:embed directives of shipped packages.
	Embeds []*Embed
	// Env are the environment variables the code reads.
	Env []*EnvRead
	// Listeners are the addresses the code listens on.
	Listeners []*Listener
	// TLS are the outbound TLS connections the code makes (they need CA certificates).
	TLS []*TLSUse
	// Locations are the time.LoadLocation calls (they need tzdata unless time/tzdata is
	// linked in: see Program.Reach["time/tzdata"]).
	Locations []*Location
	// Execs are the programs the code runs by name (they must exist in the image).
	Execs []*Exec
	// Pprof are the imports of net/http/pprof in shipped packages.
	Pprof []*Pprof
	// Gin are the Gin engines the code creates and the Gin modes it sets.
	Gin []*Gin
	// Endpoints are hard-coded loopback endpoints in DSNs, URLs and client options.
	Endpoints []*Endpoint
	// Temp are the uses of the temporary directory.
	Temp []*TempUse
}

// Site is where a fact was found: a position and the import path of the package whose file
// holds it. Every fact embeds a Site.
type Site struct {
	Pos source.Pos
	// Pkg is the import path of the package (a key of Facts.Packages).
	Pkg string
}

// Module is one go.mod file.
type Module struct {
	// Dir is the module's directory, a slash path relative to the root ("." for the root).
	Dir string
	// File is the go.mod path relative to the root.
	File string
	// Path is the module path ("" when go.mod has no module line or does not parse).
	Path    string
	PathPos source.Pos
	// Go is the go directive's version ("" when absent), at GoPos.
	Go    string
	GoPos source.Pos
	// Toolchain is the toolchain directive's name, like "go1.22.3" ("" when absent).
	Toolchain    string
	ToolchainPos source.Pos
	Requires     []Require
	Replaces     []Replace
	Retracts     []Retract
	// ParseError is set when go.mod does not parse, at the position modfile reports; the other
	// fields are then empty. Rules report it.
	ParseError *source.Note
	// HasGoSum says whether go.sum exists next to go.mod.
	HasGoSum bool
	// MissingSums are the requires (not replaced by a local directory) with neither a
	// "<version>" nor a "<version>/go.mod" line in go.sum. Empty when go.sum is absent: a
	// missing go.sum is a fact of its own (HasGoSum).
	MissingSums []Require
	// Vendor is set when vendor/modules.txt, or a vendor directory, exists next to go.mod.
	Vendor *Vendor
}

// Require is one require line of go.mod.
type Require struct {
	Path     string
	Version  string
	Indirect bool
	Pos      source.Pos
}

// Replace is one replace line of go.mod.
type Replace struct {
	Old        string
	OldVersion string // "" when the replace applies to every version
	New        string
	NewVersion string // "" for a local directory
	// Local is true when New is a file path (it starts with ./ ../ or /).
	Local bool
	// Target is the local directory as a slash path relative to the root, for a local replace
	// inside the tree; "" otherwise (an absolute path or one leaving the tree).
	Target string
	// TargetExists says whether the local directory holds a go.mod (what the go command
	// needs). For a target outside the tree it is checked on disk.
	TargetExists bool
	Pos          source.Pos
}

// Retract is one retract line of go.mod.
type Retract struct {
	Low, High string // equal for a single version
	Rationale string
	Pos       source.Pos
}

// Vendor is what vendor/modules.txt says about a module, checked against go.mod as the go
// command does before it builds with -mod=vendor.
type Vendor struct {
	// File is the modules.txt path relative to the root.
	File string
	// Missing says the module has a vendor directory but no modules.txt: with go 1.14 or
	// later the go command builds from vendor/ and finds every require inconsistent.
	Missing bool
	// Problems are the inconsistencies that make the go command stop with "inconsistent
	// vendoring"; none when vendoring is consistent.
	Problems []VendorProblem
}

// VendorProblem is one inconsistency between go.mod and vendor/modules.txt.
type VendorProblem struct {
	// Pos is the go.mod line when the module is required or replaced there, else the
	// modules.txt line.
	Pos source.Pos
	// Module is the module path concerned.
	Module string
	// Text says what is inconsistent, in the go command's words ("is explicitly required in
	// go.mod, but not marked as explicit in vendor/modules.txt").
	Text string
}

// Package is one shipped package of the tree.
type Package struct {
	// Path is the import path.
	Path string
	// Name is the package name of its files.
	Name string
	// Dir is the directory, a slash path relative to the root.
	Dir string
	// Module is the module it belongs to (nil for vendored packages and directories outside
	// every module).
	Module *Module
	// Files are the shipped .go files (constraints evaluated for linux/amd64), slash paths
	// relative to the root.
	Files []string
	// Imports are the package's imports, one per import spec, in file order.
	Imports []Import
}

// Import is one import spec.
type Import struct {
	Path string
	Pos  source.Pos
}

// Program is one package main directory: one binary.
type Program struct {
	// Main is the main package.
	Main *Package
	// Name is the binary name go build gives: the last element of the import path (for a
	// module root, the last element of the module path; a trailing /vN is skipped as go
	// install does). Outside a module, or when go.mod does not parse, it is the directory's
	// name (the checked directory's own name for the root).
	Name string
	// Dir is Main.Dir.
	Dir string
	// Pos is the position of func main (or of the package clause when main is absent).
	Pos source.Pos
	// Module is the module of the main package (nil outside every module).
	Module *Module
	// Reach holds every import path the program reaches: its own packages and the tree's
	// vendored and locally replaced packages (which are in Facts.Packages), and, as names only,
	// the standard library and external packages they import.
	Reach map[string]bool
}

// Reaches says whether the program links the package at import path pkg.
func (p *Program) Reaches(pkg string) bool { return p.Reach[pkg] }

// NotMain is a directory that looks like a command (under a cmd/ directory, or declaring
// func main) but whose package is not main.
type NotMain struct {
	Site
	// Dir is the directory, a slash path relative to the root.
	Dir string
	// Name is the package name it declares.
	Name string
	// HasMainFunc says whether it declares func main.
	HasMainFunc bool
}

// PackageClause is the package name a directory's files declare, at the clause of its file that
// declares func main, or else of its first file.
type PackageClause struct {
	Name string
	Pos  source.Pos
}

// Cgo is one reason a binary needs cgo.
type Cgo struct {
	// Site is the `import "C"` of the tree's own code, or the import of the dependency's
	// package.
	Site
	// Module is the dependency's module path; "" for `import "C"` in the tree's own code.
	Module string
	// Import is the imported package of the dependency; "" for the tree's own code.
	Import string
	// Reason says why the dependency needs cgo: the table's entry, or "import \"C\" in <file>"
	// for what the module cache showed.
	Reason string
}

// FileUse is one path the code opens, stats, creates or serves from disk at run time. A path
// read through an embed.FS is not a FileUse.
type FileUse struct {
	Site
	// Call is the function as written with its package's name, like "os.ReadFile",
	// "template.ParseGlob" or "gin.LoadHTMLGlob" (methods are named by their package:
	// "gin.Static", "echo.Static", "viper.AddConfigPath"). For "viper.SetConfigName" Path is
	// the base name viper looks for, with any of its extensions, in the AddConfigPath
	// directories; for "godotenv.Load" without arguments it is ".env".
	Call string
	// Path is the resolved path as the code builds it ("" when Unresolved). When it comes
	// from a flag or an environment variable, Path is the default used when they are not set.
	Path string
	// Flag and Env name the command-line flag or environment variable the path comes from,
	// if any.
	Flag string
	Env  string
	// Unresolved says the path is computed from something this package cannot evaluate
	// (a parameter, a function call, a field, a constant of another package).
	Unresolved bool
	// IsGlob says Path is a glob pattern (ParseGlob, LoadHTMLGlob).
	IsGlob bool
	// IsDir says Path names a directory (http.Dir, Static, AddConfigPath, MkdirAll, ReadDir).
	IsDir bool
	// Absolute says Path is absolute; relative paths depend on the working directory.
	Absolute bool
	// Write says the call creates or writes (os.Create, WriteFile, MkdirAll, OpenFile with
	// O_CREATE).
	Write bool
	// Optional says a missing file is handled: the error is dropped, assigned to _, or
	// checked without stopping the program, or checked with os.IsNotExist, errors.Is(err,
	// fs.ErrNotExist) or viper.ConfigFileNotFoundError, or err == nil guards the use. Best
	// effort, judged from the statement and the one after it.
	Optional bool
	// EmbeddedBy is the //go:embed directive of the same module that covers Path, if any.
	// Since a FileUse always reads the disk, a non-nil EmbeddedBy means the code embeds the
	// files and then reads them from disk anyway (embedded-vs-disk confusion).
	EmbeddedBy *Embed
}

// Embed is one //go:embed pattern.
type Embed struct {
	Site
	// Pattern is the pattern as written, without the "all:" prefix.
	Pattern string
	// All says the pattern had the "all:" prefix (files starting with . or _ are included).
	All bool
	// Var is the variable it initialises.
	Var string
	// Dir is the package directory the pattern is relative to.
	Dir string
	// Files are the files it embeds, slash paths relative to the root, sorted.
	Files []string
	// Err says why the go command would reject the pattern ("pattern x: no matching files
	// found"); "" when it is fine.
	Err string
}

// EnvRead is one environment variable the code reads.
type EnvRead struct {
	Site
	// Name is the variable ("" when Unresolved).
	Name       string
	Unresolved bool
	// Via says how it is read: "os.Getenv", "os.LookupEnv", "os.ExpandEnv", "viper",
	// "envconfig" (kelseyhightower/envconfig), "env" (caarlos0/env), "gin" (Gin's PORT).
	Via string
	// Required says an empty or unset value stops the program: a log.Fatal, panic, os.Exit or
	// returned error on that path, or a required tag.
	Required bool
	// HasDefault says an unset variable is tolerated: a fallback is visible (Default holds
	// it when it is a constant: `if v == "" { v = "x" }`, cmp.Or, a helper's argument, a tag
	// default), or the value is used only when set (`if v := os.Getenv("X"); v != ""`).
	HasDefault bool
	Default    string
}

// Listener is one address the code listens on.
type Listener struct {
	Site
	// Via is the call: "http.ListenAndServe(TLS)", "http.Server" (the Addr of an http.Server
	// literal, or an assignment to a server's Addr), "net.Listen", "tls.Listen", "gin.Run(TLS)",
	// "echo.Start(TLS)", "fiber.Listen(TLS)". Pos is the call, or the Addr value for
	// "http.Server".
	Via string
	// Addr is the address as resolved ("" when Unresolved). For an address taken from the
	// environment it holds the default used when the variable is empty, if any.
	Addr string
	// Host is Addr's host ("" for all interfaces), Port its port (0 when unknown).
	Host string
	Port int
	// PortFromEnv is the environment variable the port or address comes from, if any.
	PortFromEnv string
	// Flag is the command-line flag the address comes from, if any; Addr is then its default.
	Flag string
	// Loopback says the host is 127.x, localhost or ::1: unreachable from outside a container.
	Loopback bool
	// AllInterfaces says the host is empty, 0.0.0.0 or ::.
	AllInterfaces bool
	// Unresolved says the address could not be evaluated.
	Unresolved bool
	// TLS says it serves TLS (ListenAndServeTLS, RunTLS, StartTLS).
	TLS bool
	// DefaultMux says it serves http.DefaultServeMux (a nil handler), where net/http/pprof
	// registers its handlers.
	DefaultMux bool
}

// TLSUse is one outbound connection that verifies TLS certificates.
type TLSUse struct {
	Site
	// Kind is "url" (an https:// or other TLS URL literal), "dial" (tls.Dial, tls.Client),
	// "driver" (a database or broker DSN that asks for TLS) or "sdk" (a cloud SDK import,
	// which talks HTTPS).
	Kind string
	// Target is the URL, DSN or import path.
	Target string
	// Request says the URL goes straight into a request (http.Get, http.Post,
	// http.NewRequest, url.Parse), which a URL literal elsewhere (a link in a message, a
	// documentation URL) may not.
	Request bool
}

// Location is one time.LoadLocation call.
type Location struct {
	Site
	// Name is the zone name ("" when Unresolved).
	Name       string
	Unresolved bool
}

// Exec is one program run by name.
type Exec struct {
	Site
	// Call is "exec.Command", "exec.CommandContext" or "exec.LookPath".
	Call string
	// Name is the program's name or path ("" when Unresolved).
	Name       string
	Unresolved bool
}

// Pprof is one import of net/http/pprof.
type Pprof struct {
	Site
	// Blank says it is a blank import, which registers the handlers on
	// http.DefaultServeMux; otherwise the code wires pprof handlers itself.
	Blank bool
}

// Gin is one Gin engine creation or mode setting.
type Gin struct {
	Site
	// Call is "gin.Default", "gin.New" or "gin.SetMode".
	Call string
	// Mode is the mode set by SetMode ("release", "debug", "test"), "" for an engine
	// creation or when the mode is Unresolved (for instance read from GIN_MODE).
	Mode       string
	Unresolved bool
}

// Endpoint is one hard-coded loopback endpoint.
type Endpoint struct {
	Site
	// Value is the literal as written.
	Value string
	// Scheme is the kind of endpoint: "postgres", "mysql", "redis", "mongodb", "amqp",
	// "http", "grpc", "tcp" (host:port in a client option).
	Scheme string
	// Host and Port are the endpoint's (Port 0 when absent).
	Host string
	Port int
	// Overridable says the literal is the default of something a deployment sets without a
	// rebuild; Via says what: "flag default" (flag, pflag, a cobra Flags() method, kingpin's
	// Default(), a urfave/cli *Flag{…} literal), "cmp.Or fallback" (an argument after the
	// first) or "default tag" (`default:"…"`, `envDefault:"…"`). Fallbacks assigned after an
	// os.Getenv are in the EnvRead's Default instead.
	Overridable bool
	Via         string
}

// TempUse is one use of the temporary directory.
type TempUse struct {
	Site
	// Call is "os.CreateTemp", "os.MkdirTemp", "ioutil.TempFile", "ioutil.TempDir",
	// "os.TempDir", "http.Request.ParseMultipartForm" or "http.Request.FormFile".
	Call string
	// Dir is the directory argument when it is a resolved non-empty constant ("" means the
	// default, $TMPDIR or /tmp).
	Dir string
}
