package dockerfile

import "github.com/shipshape-dev/shipshape/internal/source"

// Run is a RUN instruction and what its shell script does that the image model cares about.
type Run struct {
	Pos source.Pos
	// Script is the command line (shell form) or the joined arguments (exec form).
	Script string
	Exec   bool
	// Workdir is the working directory in effect.
	Workdir string
	// GoBuilds are the `go build` and `go install` invocations.
	GoBuilds []*GoBuild
	// GoMod are `go mod download`, `go mod vendor`, `go mod tidy` and `go get` invocations.
	GoMod []*GoMod
	// Installs are package-manager installs (apk add, apt-get install, yum/dnf/microdnf install).
	Installs []*Install
	// Paths are mkdir/chown/chmod/touch/ln effects.
	Paths []*PathOp
	// UsersAdded are users and groups created (useradd, adduser, addgroup, groupadd).
	UsersAdded []*UserAdd
	// UpdateCACerts is the position of `update-ca-certificates`, zero when absent.
	UpdateCACerts source.Pos
	// Mounts are the RUN --mount flags, as BuildKit parses them.
	Mounts []*Mount
	// Calls are the simple commands the script runs, in order, with the sudo, env, nice and
	// time wrappers peeled off.
	Calls []*Call
	// Unparsed is true when the shell script could not be parsed (a note says why); the lists
	// above are then empty or partial.
	Unparsed bool
}

// Call is one simple command of a RUN script.
type Call struct {
	Pos source.Pos
	// Name is the program's base name ("setcap" for /usr/sbin/setcap).
	Name string
	// Args are the words after the program: quotes removed, parameters kept as ${NAME}, and
	// command substitutions as $(…).
	Args []string
}

// Mount is one RUN --mount: what is visible at Target while the command runs, without a COPY.
type Mount struct {
	// Type is bind (BuildKit's default), cache, tmpfs, secret or ssh.
	Type string
	// From is the stage or image a bind or cache mount reads; empty for the build context.
	From string
	// Source is the path inside From or the build context ("." when not given).
	Source string
	// Target is the absolute mount point, resolved against the WORKDIR in effect.
	Target string
}

// Value is a variable's value in a command's environment and where it was set.
type Value struct {
	Value string
	Pos   source.Pos
	// Origin is "ENV", "ARG", "inline" (`VAR=x go build`), "export", "xx-go" (set by the
	// tonistiigi/xx wrapper from TARGETPLATFORM) or "default" (Go's own default when nothing
	// sets it; Pos is then zero).
	Origin string
	// Unresolved is true when the value refers to a variable with no known value.
	Unresolved bool
}

// GoBuild is one `go build` or `go install`.
type GoBuild struct {
	Pos source.Pos
	// Install is true for `go install`.
	Install bool
	// Env holds CGO_ENABLED, GOOS, GOARCH, GOARM, GOAMD64, GOFLAGS, GOEXPERIMENT and
	// GOTOOLCHAIN as set for this command (absent keys are not set by the Dockerfile).
	Env map[string]Value
	// Packages are the package arguments ("." when none is given, as go build defaults to it).
	Packages []string
	// Output is -o as written, OutputAbs the binary's absolute path: -o resolved against the
	// working directory (`-o dir/` adds the package name), or Go's default (the package's last
	// element in the working directory, /go/bin/<name> for go install in golang images, ""
	// when unknown). OutputIsDir is true for `-o dir/`.
	Output      string
	OutputAbs   string
	OutputIsDir bool
	// OutputGuessed is true when the binary's name had to be taken from the directory's name
	// because no go.mod copied into the stage names the module.
	OutputGuessed bool
	// Tags are the -tags values; Ldflags is -ldflags as written.
	Tags    []string
	Ldflags string
	// ExtStatic is true when -ldflags passes -extldflags with -static; LinkExternal for
	// -linkmode external (or =external).
	ExtStatic    bool
	LinkExternal bool
	Trimpath     bool
	// Mod is the -mod value ("vendor", "mod", "readonly"), "" when absent.
	Mod string
	// Workdir is the directory the command runs in (WORKDIR, or a preceding `cd`).
	Workdir string
}

// GoMod is a module command in a RUN.
type GoMod struct {
	Pos source.Pos
	// Verb is "download", "vendor", "tidy", "verify" or "get".
	Verb    string
	Workdir string
}

// Install is one package-manager install command.
type Install struct {
	Pos source.Pos
	// Manager is apk, apt-get, apt, yum, dnf or microdnf.
	Manager  string
	Packages []string
}

// PathOp is a filesystem effect of a RUN command.
type PathOp struct {
	Pos source.Pos
	// Op is mkdir, chown, chmod, touch or ln.
	Op string
	// Path is absolute (resolved against the working directory).
	Path string
	// Arg is the owner (chown) or mode (chmod), "" otherwise.
	Arg string
	// Recursive is -R / -p.
	Recursive bool
}

// UserAdd is a user or group created by a RUN command.
type UserAdd struct {
	Pos source.Pos
	// Name is the user or group name; Group is true for addgroup/groupadd.
	Name  string
	Group bool
	// UID is -u/--uid/-g when given, -1 otherwise. System is -r/-S.
	UID    int
	System bool
}
