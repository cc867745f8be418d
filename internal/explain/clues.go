package explain

import "regexp"

// clue is a built-in observation: the words that make a line a candidate, and the patterns that
// say what the line means. Clues are facts about the log, not verdicts; decide weighs them
// together (the same words mean different things in different contexts).
type clue struct {
	name string
	lits []string
	res  []*regexp.Regexp
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// execPath matches the path a runtime failed to exec, quoted or not.
const execPath = `"?(?P<path>[^\s":]*)"?`

var clues = []clue{
	// --- exec failures: no such file ---------------------------------------------------------
	{"exec-enoent", []string{"no such file or directory"}, []*regexp.Regexp{
		re(`(?i)exec user process caused:? \\?"?no such file or directory`),
		re(`(?i)\b(?:fork/)?exec:? \\?` + execPath + `\\?"?:? no such file or directory`),
		re(`(?i)execve\("(?P<path>[^"]+)".*ENOENT`),
		re(`(?i)^(?:-?(?:ba|a|da|z)?sh|/bin/(?:ba)?sh)(?:: line \d+)?: (?P<path>\S+): No such file or directory$`),
		re(`(?i)Failed at step EXEC spawning (?P<path>\S+): No such file or directory`),
		re(`(?i)Failed to locate executable (?P<path>\S+): No such file or directory`),
	}},
	{"exec-stat-missing", []string{"no such file or directory", "not found or does not exist"}, []*regexp.Regexp{
		re(`(?i)exec: \\?"(?P<path>[^"\\]+)\\?": stat \S+: no such file or directory`),
		re(`(?i)Container command '(?P<path>[^']+)' not found or does not exist`),
	}},
	{"exec-noloader", []string{"required file not found", "not a valid dynamic program", "error relocating", "symbol not found", "error while loading shared libraries", "error loading shared library"}, []*regexp.Regexp{
		re(`(?i)Error loading shared library (?P<lib>\S+): No such file or directory`),
		re(`(?i)(?P<path>\S+): cannot execute: required file not found`),
		re(`(?i)not a valid dynamic program`),
		re(`(?i)Error relocating (?P<path>[^:]+): \S+: symbol not found`),
		re(`(?i)(?P<path>\S+?): error while loading shared libraries: (?P<lib>[^:]+)`),
	}},
	{"sh-not-found", []string{"not found"}, []*regexp.Regexp{
		re(`^-?(?:ash|sh|/bin/sh|bash|/bin/bash|dash)(?:: \d+| line \d+)?: (?:exec: )?(?P<path>[^\s:]+): not found$`),
		re(`(?P<script>\S+\.sh): (?:line )?\d+: exec: (?P<path>[^\s:]+): not found`),
	}},
	{"bad-interpreter", []string{"bad interpreter"}, []*regexp.Regexp{
		re(`(?i)(?P<path>\S+): (?P<interp>.*?): bad interpreter`),
	}},
	{"crlf", []string{"sh^m", "sh\r", "sh\\r", "python^m", "python\r", "python3\\r", "env^m", "$'\\r'", "illegal option -"}, []*regexp.Regexp{
		re(`(?:sh|python3?|env|node)(?:\^M|\r|\\r)(?:$|['": ])|\$'\\r'`),
		re(`(?i)\bset: (?:line \d+: )?illegal option -\s*$`),
	}},
	{"elf-interp", []string{"interpreter /lib"}, []*regexp.Regexp{
		re(`dynamically linked, interpreter (?P<interp>[^\s,]+)`),
	}},

	// --- exec failures: wrong format ---------------------------------------------------------
	{"exec-format", []string{"exec format error"}, []*regexp.Regexp{
		re(`(?i)\b(?:fork/)?exec (?P<path>/?[\w./-]+): exec format error`),
		re(`(?i)execve\('(?P<path>[^']+)'\) failed: exec format error`),
		re(`(?i)Failed at step EXEC spawning (?P<path>\S+): Exec format error`),
		re(`(?i)(?P<path>\S+): cannot execute binary file: Exec format error`),
		re(`(?i)exec format error`),
	}},
	{"platform-mismatch", []string{"does not match the detected host platform", "no matching manifest for", "no match for platform in manifest", "does not match the specified platform"}, []*regexp.Regexp{
		re(`(?i)does not match the specified platform`),
		re(`(?i)platform \((?P<platform>[^)]+)\) does not match the detected host platform \((?P<host>[^)]+)\)`),
		re(`(?i)no matching manifest for (?P<platform>\S+)`),
		re(`(?i)no match for platform in manifest`),
	}},

	// --- permission denied ---------------------------------------------------------------------
	{"bind-perm", []string{"permission denied", "an attempt was made to access a socket", "make_sock", "eacces"}, []*regexp.Regexp{
		re(`(?i)listen (?:tcp|udp)[46]? (?P<addr>[^\s]*?:(?P<port>\d+)): (?:bind: )?permission denied`),
		re(`(?i)bind\(\) to \S+?:(?P<port>\d+) failed \(13: Permission denied\)`),
		re(`(?i)\(13\)Permission denied: AH00072: make_sock: could not bind to address \[?[^\]\s]*\]?:(?P<port>\d+)`),
		re(`(?i)listen EACCES:? (?:permission denied )?(?P<addr>\S*:(?P<port>\d+))`),
	}},
	{"exec-perm", []string{"permission denied"}, []*regexp.Regexp{
		re(`(?i)exec user process caused:? \\?"?permission denied`),
		re(`(?i)\b(?:fork/)?exec:? ` + execPath + `:? permission denied`),
		re(`(?i)Failed at step EXEC spawning (?P<path>\S+): Permission denied`),
		re(`(?i)Failed to execute (?:command|(?P<path>\S+)): Permission denied`),
		re(`(?i)(?P<path>\S+): cannot execute: Permission denied`),
		re(`^-?(?:ash|sh|bash|/bin/sh|dash)(?:: \d+| line \d+)?: (?P<path>[^\s:]+): Permission denied$`),
	}},
	{"file-perm", []string{"permission denied", "read-only file system", "operation not permitted", "readonly database"}, []*regexp.Regexp{
		re(`(?i)\b(?:chown|chmod|mkdir|open|create|rename|remove|lchown) (?P<path>[^\s:"]+): operation not permitted`),
		re(`(?i)attempt to write a readonly database`),
		re(`(?i)dial unix (?P<path>\S+): connect: permission denied`),
		re(`(?i)\b(?:open|mkdir|create|creat|remove|rename|chmod|chown|lstat|stat|mkdirall|write|read) (?P<path>[^\s:"]+): (?:permission denied|read-only file system)`),
		re(`(?i)(?P<path>/[^\s:"]+): (?:Permission denied|Read-only file system)$`),
	}},
	{"exit-code", []string{"exit code", "exit status", "exitcode", "non-zero code", "code=exited, status="}, []*regexp.Regexp{
		re(`(?i)(?:exit(?:ed)?(?: with)? (?:code|status)|Exit Code|"exitCode"|returned a non-zero code)[:= ]*(?P<code>\d{1,3})\b`),
		re(`(?i)\bcode=exited, status=(?P<code>\d{1,3})\b`),
	}},
	{"sigkill", []string{"signal: killed", "status=9/kill", "signal=kill", "sigkill"}, []*regexp.Regexp{
		re(`(?i)signal: killed|status=9/KILL|signal=KILL|SIGKILL`),
	}},

	// --- memory --------------------------------------------------------------------------------
	{"oom", []string{"memory quota exceeded", "oomkilled", "oom killed", "oom-kill", "oom_kill", "oom killer", "out of memory", "out-of-memory", "cannot allocate memory"}, []*regexp.Regexp{
		re(`(?i)OOMKilled|OOM[ -]Killed|oom[-_]kill|OOM killer|Out of memory: Kill|Memory cgroup out of memory|runtime: out of memory|fatal error: out of memory|cannot allocate memory|Out-Of-Memory|Error R14 \(Memory quota exceeded\)|memory quota exceeded`),
	}},
	{"sqlite-cantopen", []string{"unable to open database file", "out of memory (14)"}, []*regexp.Regexp{
		re(`(?i)unable to open database file|out of memory \(14\)`),
	}},
	{"sqlite-path", []string{".db", ".sqlite"}, []*regexp.Regexp{
		re(`(?i)(?:datasourcename|dsn|sqlitedb|database|db)[^\s]*?\s*[=:(]?\s*["']?(?:file:)?(?P<dbpath>[\w./~-]+\.(?:db|sqlite3?))\b`),
	}},

	// --- ports ---------------------------------------------------------------------------------
	{"port-in-use", []string{"address already in use", "port is already allocated", "eaddrinuse", "only one usage of each socket address", "ports are not available", "address in use", "is already in use"}, []*regexp.Regexp{
		re(`(?i)listen (?:tcp|udp)[46]? (?P<addr>\S*?:(?P<port>\d+)): bind: address already in use`),
		re(`(?i)Bind for (?P<addr>\S+?:(?P<port>\d+)) failed: port is already allocated`),
		re(`(?i)bind\(\) to (?P<addr>\S+?:(?P<port>\d+)) failed \(98: Address already in use\)`),
		re(`(?i)listen EADDRINUSE:? (?:address already in use )?(?P<addr>\S*:(?P<port>\d+))`),
		re(`(?i)\bport (?P<port>\d+) is already in use`),
		re(`(?i)address already in use|EADDRINUSE|only one usage of each socket address|ports are not available`),
	}},
	{"boot-timeout", []string{"boot timeout", "failed to bind to $port", "listen on the port defined", "is your app listening on", "no open ports detected", "bind your service to at least one port", "does not match the listening port", "health check failed on port"}, []*regexp.Regexp{
		re(`(?i)Error R10 \(Boot timeout\)|failed to bind to \$PORT|failed to start and listen on the port defined|listen on the port defined by the PORT|is your app listening on (?P<addr>\S+?:(?P<port>\d+))`),
		re(`(?i)no open ports detected|bind your service to at least one port|TargetPort (?P<port>\d+) does not match the listening port|health check failed on port '?(?P<port>\d+)`),
	}},
	{"probe-failed", []string{"probe failed"}, []*regexp.Regexp{
		re(`(?i)(?P<probe>Liveness|Readiness|Startup) probe failed: .*?(?:dial tcp (?P<addr>\S+?:(?P<port>\d+)): connect: connection refused|connection refused|connection reset|context deadline exceeded|Client\.Timeout|EOF)`),
	}},
	{"probe-named-port", []string{"strconv.atoi: parsing"}, []*regexp.Regexp{
		re(`(?i)probe errored.*strconv\.Atoi: parsing "(?P<port>[^"]+)": invalid syntax`),
	}},
	// ".0.0.1:" rather than "127.0.0.1:": digits are frequent in logs and an automaton whose
	// patterns start with one leaves its root state on every digit.
	{"listen-loopback", []string{".0.0.1:", "localhost:", "[::1]:"}, []*regexp.Regexp{
		re(`(?i)\b(?:listen(?:ing)?|serv(?:e|es|ing)|server (?:started|running|is running|listening)|started (?:server|http)|running on|bound to)\b.*?(?P<addr>(?:127\.0\.0\.1|localhost|\[::1\]):(?P<port>\d+))`),
		re(`(?i)\b(?:addr|address|listen|bind|http_addr|listen_addr)["']?\s*[=:]\s*["']?(?:https?://)?(?P<addr>(?:127\.0\.0\.1|localhost|\[::1\]):(?P<port>\d+))`),
	}},
	{"listen-any", []string{"listening on", "listen on", "listening at", "server started on", "running on"}, []*regexp.Regexp{
		re(`(?i)(?:listening|listen|server started|running) (?:on|at) (?:https?://)?(?P<addr>(?:0\.0\.0\.0|\[::\]|\*|)?:(?P<port>\d+))\b`),
	}},
	{"empty-reply", []string{"empty reply from server", "err_empty_response", "didn't send any data", "didn’t send any data"}, nil},
	{"conn-reset", []string{"connection reset by peer", "recv failure"}, []*regexp.Regexp{
		re(`(?i)curl: \(56\)|Recv failure: Connection reset by peer`),
	}},

	// --- dependencies --------------------------------------------------------------------------
	{"dial-refused", []string{"connection refused", "econnrefused"}, []*regexp.Regexp{
		re(`(?i)dial (?:tcp|udp)[46]? (?P<addr>\[?[\w.:-]+?\]?:(?P<port>\d+)): connect: connection refused`),
		re(`(?i)ECONNREFUSED.*?"address":\s*"(?P<host>[^"]+)".*?"port":\s*(?P<port>\d+)`),
		re(`(?i)connect ECONNREFUSED (?P<addr>\S+?:(?P<port>\d+))`),
		re(`(?i)Is the server running on host "(?P<host>[^"]+)".*?port (?P<port>\d+)`),
		re(`(?i)connection refused`),
	}},
	{"dial-nohost", []string{"no such host", "server misbehaving", "temporary failure in name resolution", "could not translate host name", "enotfound", "eai_again"}, []*regexp.Regexp{
		re(`(?i)getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (?P<host>[\w.-]+)`),
		re(`(?i)dial (?:tcp|udp)[46]?: lookup (?P<host>[^\s:]+)(?: on \S+)?: (?:no such host|server misbehaving|Temporary failure in name resolution)`),
		re(`(?i)could not translate host name "(?P<host>[^"]+)"`),
		re(`(?i)\blookup (?P<host>[\w.-]+) on [\d.:\[\]]+: (?:no such host|server misbehaving|i/o timeout)`),
	}},
	{"dial-timeout", []string{"i/o timeout", "no route to host", "network is unreachable", "connection timed out"}, []*regexp.Regexp{
		re(`(?i)dial (?:tcp|udp)[46]? (?P<addr>\S+?:(?P<port>\d+)): (?:i/o timeout|connect: (?:no route to host|network is unreachable|connection timed out))`),
	}},
	{"dep-down", []string{"no reachable servers", "could not connect to server", "server selection error", "failed to connect to", "error connecting to"}, []*regexp.Regexp{
		re(`(?i)no reachable servers|could not connect to server|server selection error|failed to connect to (?P<addr>\S+)|error connecting to (?:db|database|redis|postgres|mysql)`),
	}},
	{"goroutine", []string{"goroutine "}, []*regexp.Regexp{
		re(`^goroutine (?P<gid>\d+) \[(?P<state>[^\],]+)`),
	}},
	{"dial-frame", []string{"net.(*dialer)", "net.dial", "(*sysdialer)", "net.(*netfd).connect", "(*db).conn", "(*db).pingcontext", "pgconn.connect", "lib/pq.dial", "net.(*resolver)"}, nil},
	{"addr-mention", []string{"connecting to", "dialing", "waiting for", "connect to"}, []*regexp.Regexp{
		re(`(?i)(?:connecting|dialing|waiting for|connect) (?:to )?(?:\w+ (?:at|on) )?(?P<addr>[a-z][\w.-]*:\d{2,5})\b`),
	}},

	// --- TLS, time zones, libc -----------------------------------------------------------------
	{"x509", []string{"certificate signed by unknown authority", "failed to load system roots", "certificate is not trusted", "unable to get local issuer certificate"}, nil},
	{"unknown-tz", []string{"unknown time zone"}, []*regexp.Regexp{
		re(`(?i)unknown time ?zone (?P<zone>[^\s'"),]+)`),
	}},
	{"tz-missing", []string{"missing location in call", "zoneinfo.zip"}, []*regexp.Regexp{
		re(`(?i)missing Location in call to Time\.In|open \S*zoneinfo\.zip: no such file`),
	}},
	{"glibc", []string{"glibc_"}, []*regexp.Regexp{
		re("(?i)GLIBC_(?P<glibc>\\d+\\.\\d+(?:\\.\\d+)?)\\s*['`]?\\s*'?\\s*not found(?: \\(required by (?P<binary>[^)]+)\\))?"),
	}},

	// --- Go toolchain --------------------------------------------------------------------------
	{"go-version", []string{"requires go >=", "toolchain not available", "does not match go tool version", "invalid go version", "unknown directive: toolchain", "note: module requires go"}, []*regexp.Regexp{
		re(`(?i)requires go >= ?(?P<required>[\d.]+\w*)(?: \(running go (?P<running>[\d.]+\w*))?`),
		re(`(?i)note: module requires Go (?P<required>[\d.]+)`),
		re(`(?i)compile: version "go(?P<required>[\d.]+)" does not match go tool version "go(?P<running>[\d.]+)"`),
		re(`(?i)invalid go version '(?P<required>[^']+)'|unknown directive: toolchain|toolchain not available`),
	}},
	{"gosum", []string{"missing go.sum entry", "updates to go.sum needed", "verifying go.mod: missing", "security error"}, []*regexp.Regexp{
		re(`(?i)missing go\.sum entry for module providing package (?P<package>\S+)`),
		re(`(?i)(?P<module>\S+?)@\S+: missing go\.sum entry`),
		re(`(?i)missing go\.sum entry|updates to go\.sum needed`),
	}},
	{"vendoring", []string{"inconsistent vendoring", "vendor/modules.txt"}, []*regexp.Regexp{
		re(`(?i)inconsistent vendoring|(?P<module>\S+?)@\S+: is (?:explicitly required in go\.mod|marked as explicit in vendor/modules\.txt)`),
	}},
	{"replace-missing", []string{"replacement directory", "(replaced by"}, []*regexp.Regexp{
		re(`(?i)replacement directory (?P<dir>\S+) does not exist`),
		re(`(?i)\(replaced by (?P<dir>[^)]+)\): reading \S+: open .*no such file`),
	}},
	{"gomod-parse", []string{"go.mod:", "errors parsing go.mod"}, []*regexp.Regexp{
		re(`(?i)go\.mod:(?P<gomodline>\d+):(?:\d+:)? (?P<err>.+)`),
		re(`(?i)errors parsing go\.mod`),
	}},
	{"not-in-goroot", []string{"is not in goroot", "is not in std"}, []*regexp.Regexp{
		re(`(?i)package (?P<package>\S+) is not in (?:GOROOT|std)`),
	}},
	{"modresolve", []string{"cannot find main module", "go.mod file not found in current directory", "no required module provides package", "cannot find module providing package", "terminal prompts disabled", "410 gone", "unknown revision", "checksum mismatch", "could not read username", "module lookup disabled", "proxy.golang.org", "module declares its path as"}, []*regexp.Regexp{
		re(`(?i)no required module provides package (?P<package>[^;\s]+)`),
		re(`(?i)cannot find module providing package (?P<package>\S+)`),
		re(`(?i)terminal prompts disabled|410 Gone|unknown revision|checksum mismatch|could not read Username|module lookup disabled`),
		re(`(?i)lookup proxy\.golang\.org|proxy\.golang\.org.*(?:timeout|refused|no such host|403|404)`),
		re(`(?i)cannot find main module|go\.mod file not found in current directory`),
		re(`(?i)module declares its path as: (?P<module>\S+)`),
	}},
	{"cgo-cc", []string{"c compiler", "exec: \"gcc\"", "exec: \"cc\"", "exec: \"clang\"", "requires cgo to work", "fatal error:", "musl-gcc", "cannot find -l", "unrecognized command-line option", "unrecognized command line option", "build constraints exclude all go files"}, []*regexp.Regexp{
		// cgo cross-compiling with the host's C compiler: it rejects the target's flags.
		re(`(?i)(?P<cc>[\w.+-]*(?:gcc|cc1|clang|cc))(?:\.exe)?: +error: unrecognized command[- ]line option ['"]?(?P<flag>-m(?:64|32|arm|thumb|arch=\S+|cpu=\S+))`),
		re(`(?i)(?:/usr/bin/ld|collect2|ld): cannot find -l(?P<lib>\S+)`),
		re(`(?i)build constraints exclude all Go files in (?P<dir>\S+)`),
		re(`(?i)cgo: C compiler "(?P<cc>[^"]+)" not found`),
		re(`(?i)exec: "(?P<cc>gcc|cc|clang|g\+\+|musl-gcc|x86_64-linux-gnu-gcc|aarch64-linux-gnu-gcc)": executable file not found`),
		re(`(?i)Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work`),
		re(`(?i)fatal error: (?P<header>[\w/]+\.h): No such file or directory`),
	}},
	// go build -o of a non-main package writes an ar archive (mode 0644): exec says permission
	// denied, or exec format error once chmod +x; file(1) calls it "current ar archive".
	{"non-main", []string{"is not a main package", "non-main package", "buildmode=archive", "no main packages", "!<arch>", "current ar archive"}, nil},
	{"missing-cmd", []string{"executable file not found in $path", "not found", "missing git command", "env: ", "executable file "}, []*regexp.Regexp{
		re(`(?i)\benv: ['‘]?(?P<cmd>[\w.+-]+)['’]?: No such file or directory`),
		re(`(?i)executable file (?P<cmd>\S+) not found in \$PATH`),
		re(`(?i)exec: \\?"(?P<cmd>[^"\\]+)\\?": executable file not found in \$PATH`),
		re(`(?i)(?:^|: )(?P<cmd>[\w.+-]+): command not found`),
		re(`(?i)^(?:/bin/)?(?:ba|da)?sh: \d+: (?P<cmd>[\w.+-]+): not found$`),
		re(`(?i)missing (?P<cmd>Git) command`),
	}},

	// --- users, directories, mounts ------------------------------------------------------------
	{"user-missing", []string{"no matching entries in passwd file", "failed to determine user credentials", "failed to determine group credentials", "unknown user", "non-numeric user", "user: lookup", "requires cgo or $user set"}, []*regexp.Regexp{
		re(`(?i)unable to find user (?P<user>[^:\s]+): no matching entries in passwd file`),
		re(`(?i)image has non-numeric user \((?P<user>[^)]+)\)`),
		re(`(?i)user: unknown user(?:id)? (?P<user>\S+)`),
		re(`(?i)Failed to determine (?:user|group) credentials|user: lookup|requires cgo or \$USER set`),
	}},
	{"chdir", []string{"changing to the requested working directory failed", "chdir to cwd", "chdir "}, []*regexp.Regexp{
		re(`(?i)chdir to cwd \(\\?"(?P<dir>[^"\\]+)\\?"\) set in config\.json failed`),
		re(`(?i)Changing to the requested working directory failed`),
		re(`(?i)\bchdir (?P<dir>/\S*): no such file or directory`),
	}},
	{"tmp-missing", []string{"/tmp/", "/tmp:", "createtemp", "mkdirtemp", "tempdir"}, []*regexp.Regexp{
		re(`(?i)\b(?:open|mkdir|create|stat|lstat|CreateTemp|MkdirTemp)\s+(?P<path>/tmp(?:/\S*?)?):? no such file or directory`),
	}},
	{"mount", []string{"bind mount failed", "bind source path does not exist", "trying to mount a directory onto a file", "error mounting", "is a directory", "mountvolume.setup failed", "non-existent config key", "non-existent secret key", "invalid mount config"}, []*regexp.Regexp{
		re(`(?i)bind source path does not exist:? (?P<path>\S+)`),
		re(`(?i)Bind mount failed: '(?P<path>[^']+)' does not exists?`),
		re(`(?i)error mounting \\?"(?P<path>[^"\\]+)\\?" to rootfs at \\?"(?P<target>[^"\\]+)`),
		re(`(?i)trying to mount a directory onto a file`),
		re(`(?i)(?:read|open) (?P<path>[^\s:]+): is a directory`),
	}},
	{"k8s-missing-obj", []string{"secret \"", "secrets \"", "configmap \"", "configmaps \"", "couldn't find key", "createcontainerconfigerror"}, []*regexp.Regexp{
		re(`(?i)(?P<kind>secrets?|configmaps?) "(?P<name>[^"]+)" not found`),
		re(`(?i)couldn't find key (?P<key>\S+) in (?P<kind>Secret|ConfigMap) (?P<name>\S+)`),
		re(`(?i)CreateContainerConfigError`),
	}},
	{"k8s-config-key", []string{"non-existent config key", "non-existent secret key", "subpath"}, []*regexp.Regexp{
		re(`(?i)references non-existent (?:config|secret) key|subPath`),
	}},
	{"k8s-mounts", []string{"(ro)", "(rw)"}, []*regexp.Regexp{
		re(`^\s*(?P<mount>/\S*) from (?P<volume>\S+) \((?:ro|rw)`),
	}},
	{"compose-mounts", []string{"- /", "- ./", "- ~/", "mountpath: /"}, []*regexp.Regexp{
		re(`^\s*-\s+["']?(?:[./~][^:\s"']*|[\w-]+):(?P<mount>/[^:\s"']*)`),
		re(`(?i)^\s*-?\s*mountPath:\s*["']?(?P<mount>/[^\s"']*)`),
	}},

	// --- systemd -------------------------------------------------------------------------------
	{"systemd-status", systemdStatusLits(), []*regexp.Regexp{
		re(`(?i)\bstatus=(?P<code>\d{1,3})/[A-Z_]+`),
		re(`(?i)(?:code=exited,? |Control process exited.*?)status=(?P<code>\d{1,3})\b`),
	}},
	{"systemd-step", []string{"failed at step"}, []*regexp.Regexp{
		re(`(?i)Failed at step (?P<step>[A-Z_]+) spawning (?P<path>\S+): (?P<err>.+)`),
	}},
	{"systemd-exec-path", []string{"executable path is not absolute", "neither a valid executable name nor an absolute path", "failed to locate executable"}, nil},
	{"systemd-timeout", []string{"start operation timed out", "failed with result 'timeout'", "can't open pid file", "start-pre operation timed out", "new main pid", "a timeout was exceeded"}, nil},
	{"type-forking", []string{"type=forking"}, nil},
	{"unit-name", []string{".service"}, []*regexp.Regexp{
		re(`(?P<unit>[\w@:.-]+\.service)\b`),
	}},

	// --- environment and configuration ---------------------------------------------------------
	{"env-missing", []string{"required key", "required variable", "environment variable", "env var", "must be set", "is not set", "not set in", "missing required", "is required", "is missing", "env file"}, []*regexp.Regexp{
		re(`(?i)couldn't find env file:? (?P<envfile>\S+)|\benv file (?P<envfile2>\S+) not found`),
		re(`(?i:required key) (?P<env>[A-Z][A-Z0-9_]*) (?i:missing value)`),
		re(`(?i:required variable) (?P<env>[A-Z][A-Z0-9_]*) (?i:is missing a value)`),
		re(`(?i:environment variable|env var(?:iable)?|env)s?:?\s*\\?"?\$?(?P<env>[A-Z][A-Z0-9_]{2,})\\?"?\s*(?i:is )?(?i:not set|must be set|is required|required|missing|is missing|empty|undefined)`),
		re(`(?i:missing|required) (?i:required )?(?i:environment variable|env var(?:iable)?)s?:?\s*\\?"?\$?(?P<env>[A-Z][A-Z0-9_]{2,})`),
		re(`(?i:environment variables? (?:are|is) not set)[^A-Z]*(?:[A-Z][a-z]+[^A-Z]*)*?(?P<env>[A-Z][A-Z0-9]*_[A-Z0-9_]+)`),
		re(`\b\$?(?P<env>[A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Z]{4,}) (?:must be set|is not set|not set|is required|environment variable is (?:not set|empty|required))`),
		re(`(?i)The "(?P<env>\w+)" variable is not set`),
	}},
	{"config-invalid", []string{"yaml: ", "toml: ", "invalid character", "cannot unmarshal", "unmarshal errors", "unknown field", "config", "configuration", "error decoding", "expected type"}, []*regexp.Regexp{
		re(`(?i)yaml: (?:line \d+: |unmarshal errors)|mapping values are not allowed|did not find expected|found character that cannot start`),
		re(`(?i)invalid character '.{1,2}' (?:looking for|after|in)`),
		re(`(?i)cannot unmarshal \w+ into Go (?:struct field|value)`),
		re(`(?i)toml: (?:line \d+|incompatible types|expected)`),
		re(`(?i)(?:error|failed|unable|cannot|can't|could not)\s+(?:to\s+)?(?:pars|load|read|decod|validat|unmarshal)\w*\s+(?:the\s+)?(?:config|configuration)(?:\s+file)?(?P<rest>.*)`),
		re(`(?i)(?:invalid|bad) (?:config|configuration)\b|config(?:uration)? (?:validation|is invalid)|unknown field "`),
		re(`(?i)error decoding '[^']*': |'[^']*' expected type '[^']+', got`),
	}},
	{"relative-missing", []string{"no such file or directory", "pattern matches no files", "config file", "configuration file"}, []*regexp.Regexp{
		re(`(?i)\b(?:open|stat|lstat|read|load\w*|parse\w*|readfile)\s+\\?"?(?P<path>(?:\./|\.\./)?[\w.-][\w./-]*)\\?"?:\s+no such file or directory`),
		re("(?i)pattern matches no files: `?(?P<path>[^`\\s]+)"),
		re(`(?i)ENOENT: no such file or directory, (?:open|stat|lstat|scandir) '(?P<path>[^'/][^']*)'`),
		re(`(?i)No such file or directory: '(?P<path>[^'/][^']*)'`),
		re(`(?i)(?:cannot|can't|could not|unable to|failed to) (?:find|locate) (?:the )?(?:config(?:uration)?|settings) file\s*\\?"?(?P<path>[^"\\\s/][^"\\\s]*)`),
	}},
	{"abs-missing", []string{"no such file or directory"}, []*regexp.Regexp{
		re(`(?i)\b(?:open|stat|lstat|read|readfile|load\w*)\s+\\?"?(?P<path>/[\w./@-]+)\\?"?:\s+no such file or directory`),
		re(`(?i)ENOENT: no such file or directory, (?:open|stat|lstat|scandir) '(?P<path>/[^']+)'`),
		re(`(?i)No such file or directory: '(?P<path>/[^']+)'`),
	}},

	// --- exposure (never a start-up failure on its own) ---------------------------------------
	{"gin-debug", []string{"[gin-debug]"}, []*regexp.Regexp{
		re(`\[GIN-debug\] \[WARNING\] Running in "debug" mode`),
	}},
	{"pprof", []string{"/debug/pprof"}, nil},

	// --- context ---------------------------------------------------------------------------
	{"ctx-alpine", []string{"alpine", "musl", "-ash:", "busybox"}, nil},
	{"ctx-scratch", []string{"from scratch", "distroless", "scratch image", "chainguard"}, nil},
	{"ctx-k8s", []string{"kubectl", "kubelet", "pod/", "namespace:", "containercreating", "crashloopbackoff", "kubernetes", "k8s", "containerd task", "restart count:"}, nil},
	{"ctx-docker", []string{"docker", "compose", "container", "oci runtime", "standard_init_linux", "runc"}, nil},
	{"ctx-systemd", []string{"systemd", ".service", "systemctl", "journalctl"}, nil},
	{"ctx-cgo", []string{"cgo_enabled=1", "go-sqlite3", "import \"c\""}, nil},
	{"ctx-stop", []string{"docker stop", "stopping container", "received sigterm", "graceful shutdown", "shutting down"}, nil},
	{"ctx-bash-shebang", []string{"#!/bin/bash", "#!/usr/bin/env bash"}, nil},
	{"ctx-noshebang", []string{"no shebang", "missing shebang", "without a shebang", "shebang missing"}, nil},
	// A script listing whose first line lost its '#' ("!/usr/bin/env bash").
	{"ctx-noshebang", []string{"!/usr/bin/", "!/bin/"}, []*regexp.Regexp{
		re(`^!/(?:usr/)?(?:local/)?bin/\S+`),
	}},
	{"ctx-arch", []string{"raspberry", "armv7", "aarch64", "arm64", "armhf", "apple m1", "apple m2", "m1 mac", "linux/arm", "graviton"}, nil},
	{"ctx-dockerbuild", []string{"failed to solve", "did not complete successfully", "=> error [", "> [", "returned a non-zero code", "---> running in", "running in "}, nil},
	{"ctx-build", []string{"docker build", "go build", "go install", "go mod download", "failed to solve", "run go ", "step "}, nil},
}
