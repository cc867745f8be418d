package probe

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Blocked is where a hung service's main goroutine was, read from the goroutine dump the Go
// runtime prints on SIGQUIT, and the connections the service had not completed.
type Blocked struct {
	// State is the goroutine's wait reason as printed ("IO wait", "select", "chan receive",
	// "sync.Mutex.Lock"), with its duration when the runtime printed one.
	State string
	// Call is the standard-library function the user's code called ("net.Dial"); "" when the
	// user's code waits in the runtime itself (a select, a channel). Without a user frame it
	// is the innermost non-runtime frame.
	Call string
	// Caller is the user's frame that made the call ("main.main") and its file:line.
	Caller, At string
	// Frames are goroutine 1's frames, innermost first, without runtime internals.
	Frames []string
	// Connecting are the TCP connections the service was opening (SYN_SENT) or that were
	// connected but never answered: "127.0.0.1:5432 (SYN_SENT)".
	Connecting []string
}

func (b *Blocked) String() string {
	var s string
	switch {
	case b.Call != "" && b.Caller != "":
		s = fmt.Sprintf("the main goroutine is blocked in %s, called from %s", b.Call, b.Caller)
		if b.At != "" {
			s += " (" + b.At + ")"
		}
	case b.Call != "":
		s = "the main goroutine is blocked in " + b.Call
	case b.Caller != "":
		s = fmt.Sprintf("the main goroutine waits [%s] in %s", b.State, b.Caller)
		if b.At != "" {
			s += " (" + b.At + ")"
		}
	default:
		s = "no goroutine dump"
	}
	if b.State != "" && b.Call != "" {
		s += " [" + b.State + "]"
	}
	if len(b.Connecting) > 0 {
		s += "; connecting to " + strings.Join(b.Connecting, ", ")
	}
	return s
}

var (
	goroutineHeader = regexp.MustCompile(`^goroutine (\d+)(?: gp=\S+)?(?: m=\S+)?(?: mp=\S+)? \[([^\]]*)\]:$`)
	frameFile       = regexp.MustCompile(`^\t(\S+):(\d+)(?: \+0x[0-9a-f]+)?(?: .*)?$`)
)

// ParseDump reads a Go goroutine dump (the output of a SIGQUIT, or a panic) and returns where
// goroutine 1, the main goroutine, is; nil when the text holds no goroutine 1.
func ParseDump(dump []byte) *Blocked {
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var b *Blocked
	var funcs, files []string
	in := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if m := goroutineHeader.FindStringSubmatch(line); m != nil {
			if in {
				break // goroutine 1 ended; a dump prints it once
			}
			if m[1] == "1" {
				in = true
				b = &Blocked{State: m[2]}
			}
			continue
		}
		if !in {
			continue
		}
		if line == "" {
			break
		}
		if m := frameFile.FindStringSubmatch(line); m != nil {
			if len(files) < len(funcs) {
				files = append(files, path.Base(m[1])+":"+m[2])
			}
			continue
		}
		if strings.HasPrefix(line, "created by ") || strings.HasPrefix(line, "...") {
			continue
		}
		if i := strings.LastIndexByte(line, '('); i > 0 {
			line = line[:i]
		}
		for len(files) < len(funcs) {
			files = append(files, "")
		}
		funcs = append(funcs, line)
	}
	if b == nil {
		return nil
	}
	for len(files) < len(funcs) {
		files = append(files, "")
	}
	user := -1
	for i, f := range funcs {
		if runtimeFrame(f) {
			continue
		}
		b.Frames = append(b.Frames, f)
		if user < 0 && !stdlibFrame(f) {
			user = i
		}
	}
	switch {
	case user >= 0:
		b.Caller, b.At = funcs[user], files[user]
		if user > 0 {
			b.Call = funcs[user-1]
		}
		if runtimeFrame(b.Call) {
			b.Call = "" // the user's code waits in the runtime itself (select, channel receive)
		}
	case len(b.Frames) > 0:
		b.Call = b.Frames[0]
	}
	return b
}

// runtimeFrame says whether a function is the runtime's machinery rather than what the program
// waits on.
func runtimeFrame(fn string) bool {
	pkg := funcPackage(fn)
	return pkg == "runtime" || strings.HasPrefix(pkg, "internal/") || strings.HasPrefix(pkg, "runtime/internal") ||
		pkg == "syscall" || pkg == "internal"
}

// stdlibFrame says whether a function is from the standard library: its import path's first
// element has no dot (and it is not package main), the rule the go command uses.
func stdlibFrame(fn string) bool {
	pkg := funcPackage(fn)
	if pkg == "main" {
		return false
	}
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".")
}

// funcPackage is the import path of a dump's function name: "net/http.(*Server).Serve" gives
// "net/http", "main.main" gives "main".
func funcPackage(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}
