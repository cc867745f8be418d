package explain

import (
	"strconv"
	"strings"
)

// systemdStatusLits are the prefilter literals of the systemd exit statuses: "status=203/exec"
// and the like, and the "code=exited" of a bare numeric status.
func systemdStatusLits() []string {
	out := []string{"code=exited, status=", "code=exited status=", "code=killed, status=", "code=dumped, status="}
	for code, st := range systemdExit {
		out = append(out, "status="+strconv.Itoa(code)+"/"+strings.ToLower(st.name))
	}
	return out
}

// systemdStatus is one exit status systemd sets when it fails to set up a service process
// before exec (systemd.exec(5), "Process Exit Codes"), with the failure mode it points to.
type systemdStatus struct {
	name    string
	meaning string
	id      string  // the failure mode, "" when none of the catalog's
	weight  float64 // how surely the status alone names it
}

// systemdExit is the full table of systemd.exec(5); LSB codes 1–7 and 200–245.
var systemdExit = map[int]systemdStatus{
	1:   {"FAILURE", "generic failure: the service's own output says why", "", 0},
	2:   {"INVALIDARGUMENT", "invalid or excess arguments", "", 0},
	3:   {"NOTIMPLEMENTED", "unimplemented feature", "", 0},
	4:   {"NOPERMISSION", "the user has insufficient privileges", "SS2008", 4},
	5:   {"NOTINSTALLED", "the program is not installed", "SS3002", 5},
	6:   {"NOTCONFIGURED", "the program is not configured", "SS7003", 4},
	7:   {"NOTRUNNING", "the program is not running", "", 0},
	200: {"CHDIR", "changing to the WorkingDirectory= failed", "SS2007", 10},
	201: {"NICE", "setting the Nice= priority failed", "", 0},
	202: {"FDS", "closing unwanted file descriptors or preparing passed ones failed", "", 0},
	203: {"EXEC", "the program of ExecStart= could not be executed", "SS3002", 8},
	204: {"MEMORY", "the process could not allocate memory before exec", "SS7001", 5},
	205: {"LIMITS", "setting resource limits (LimitNOFILE= and others) failed", "", 0},
	206: {"OOM_ADJUST", "adjusting the OOM score failed", "", 0},
	207: {"SIGNAL_MASK", "setting the signal mask failed", "", 0},
	208: {"STDIN", "setting up standard input failed", "SS2008", 5},
	209: {"STDOUT", "setting up standard output (StandardOutput=file:… or a socket) failed", "SS2008", 7},
	210: {"CHROOT", "changing to the RootDirectory= failed", "SS2014", 7},
	211: {"IOPRIO", "setting the I/O priority failed", "", 0},
	212: {"TIMERSLACK", "setting the timer slack failed", "", 0},
	213: {"SECUREBITS", "setting the secure bits failed", "", 0},
	214: {"SETSCHEDULER", "setting the CPU scheduling policy failed", "", 0},
	215: {"CPUAFFINITY", "setting CPUAffinity= failed", "", 0},
	216: {"GROUP", "the Group= could not be resolved", "SS2012", 10},
	217: {"USER", "the User= could not be resolved", "SS2012", 10},
	218: {"CAPABILITIES", "dropping or setting capabilities failed", "", 0},
	219: {"CGROUP", "setting up the service's cgroup failed", "", 0},
	220: {"SETSID", "creating a new session failed", "", 0},
	221: {"CONFIRM", "execution was cancelled at the confirmation prompt", "", 0},
	222: {"STDERR", "setting up standard error failed", "SS2008", 7},
	224: {"PAM", "the PAM session could not be set up", "", 0},
	225: {"NETWORK", "setting up the network namespace failed", "", 0},
	226: {"NAMESPACE", "setting up the mount namespace failed: a path named in ReadWritePaths=, BindPaths= and the like does not exist", "SS2014", 8},
	227: {"NO_NEW_PRIVILEGES", "disabling new privileges failed", "", 0},
	228: {"SECCOMP", "applying the seccomp filter failed", "", 0},
	229: {"SELINUX_CONTEXT", "setting the SELinux context failed", "", 0},
	230: {"PERSONALITY", "setting the execution domain (Personality=) failed: often the wrong architecture", "SS2003", 5},
	231: {"APPARMOR_PROFILE", "switching to the AppArmor profile failed", "", 0},
	232: {"ADDRESS_FAMILIES", "restricting address families failed", "", 0},
	233: {"RUNTIME_DIRECTORY", "creating RuntimeDirectory= failed", "SS2008", 7},
	235: {"CHOWN", "changing the owner of a socket failed", "SS2008", 5},
	236: {"SMACK_PROCESS_LABEL", "setting the SMACK label failed", "", 0},
	237: {"KEYRING", "setting up the kernel keyring failed", "", 0},
	238: {"STATE_DIRECTORY", "creating StateDirectory= failed", "SS2008", 7},
	239: {"CACHE_DIRECTORY", "creating CacheDirectory= failed", "SS2008", 7},
	240: {"LOGS_DIRECTORY", "creating LogsDirectory= failed", "SS2008", 7},
	241: {"CONFIGURATION_DIRECTORY", "creating ConfigurationDirectory= failed", "SS2008", 7},
	242: {"NUMA_POLICY", "setting the NUMA policy failed", "", 0},
	243: {"CREDENTIALS", "setting up credentials (LoadCredential=) failed: the file is missing or unreadable", "SS2008", 6},
	245: {"BPF", "applying BPF restrictions failed", "", 0},
}
