// Package binary answers what an executable needs to start: its format, architecture, loader,
// libraries, glibc floor and, for Go binaries, its build settings.
//
// It reads only the headers and the few sections that answer these questions (program and
// section headers, the dynamic section and its string and version tables, .go.buildinfo and the
// function-name table of .gopclntab), never the code or data, so a 100 MB binary costs a few
// small reads.
package binary

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

// Format is the container format of an executable.
type Format string

const (
	ELF   Format = "elf"
	MachO Format = "mach-o"
	PE    Format = "pe"
	// Script is a file starting with "#!": the kernel runs its interpreter.
	Script Format = "script"
	// Unknown is anything else: the kernel refuses it with "exec format error".
	Unknown Format = "unknown"
)

// Facts describe one executable.
type Facts struct {
	// Path is the file as the caller named it.
	Path string `json:"path"`
	// Size is the file size in bytes.
	Size   int64  `json:"size"`
	Format Format `json:"format"`
	// OS is the system the file was built for, in GOOS words: "linux" for ELF (ELF does not
	// say more reliably), "darwin" for Mach-O, "windows" for PE, "" when unknown.
	OS string `json:"os,omitempty"`
	// Arch is the architecture in GOARCH words ("amd64", "arm64", "arm", "386", "riscv64",
	// "ppc64le", "s390x", …), or "machine(N)" for a machine Go has no name for.
	Arch string `json:"arch,omitempty"`
	// Bits is 32 or 64 (ELF class); 0 when unknown.
	Bits int `json:"bits,omitempty"`
	// BigEndian is the ELF data encoding.
	BigEndian bool `json:"bigEndian,omitempty"`
	// Static says the ELF has no program interpreter: the kernel runs it with no loader and
	// no shared library (a static-pie also counts as static).
	Static bool `json:"static"`
	// Interp is PT_INTERP, the dynamic loader the kernel starts ("" when static).
	Interp string `json:"interp,omitempty"`
	// Needed are the DT_NEEDED libraries in order.
	Needed []string `json:"needed,omitempty"`
	// RunPath are DT_RUNPATH and DT_RPATH entries, split at ':' ($ORIGIN kept as written).
	RunPath []string `json:"runpath,omitempty"`
	// Libc is "glibc" or "musl" for a dynamic ELF, judged by its loader and libraries; "" for
	// a static one or when neither is named.
	Libc string `json:"libc,omitempty"`
	// GlibcFloor is the highest GLIBC_x.y symbol version the binary requires: the oldest
	// glibc it runs on ("" when it needs none).
	GlibcFloor string `json:"glibcFloor,omitempty"`
	// GlibcFloorSymbol is one imported symbol that needs GlibcFloor, for messages.
	GlibcFloorSymbol string `json:"glibcFloorSymbol,omitempty"`
	// GlibcxxFloor is the highest GLIBCXX_x.y.z version required from libstdc++.
	GlibcxxFloor string `json:"glibcxxFloor,omitempty"`
	// Versions maps each needed library to the symbol versions required from it.
	Versions map[string][]string `json:"versions,omitempty"`
	// Stripped says the ELF has no .symtab.
	Stripped bool `json:"stripped"`
	// PIE says the ELF is position independent (ET_DYN with a loader, or DF_1_PIE).
	PIE bool `json:"pie"`
	// Go is the Go build information; nil for a non-Go binary or one without build info.
	Go *GoInfo `json:"go,omitempty"`
	// Shebang is the interpreter line of a script, without "#!" (Format Script only).
	Shebang string `json:"shebang,omitempty"`
	// ShebangCR says the interpreter line ends in "\r\n": the kernel looks for an interpreter
	// whose name ends in a carriage return.
	ShebangCR bool `json:"shebangCR,omitempty"`
}

// GoInfo is what a Go binary says about its build.
type GoInfo struct {
	// Version is the toolchain, like "go1.24.3".
	Version string `json:"version"`
	// Path is the main package path.
	Path string `json:"path,omitempty"`
	// Main is the main module ("(devel)" version for a local build).
	Main Module   `json:"main"`
	Deps []Module `json:"deps,omitempty"`
	// Settings are the build settings as recorded (-tags, -ldflags, CGO_ENABLED, GOARCH, …).
	Settings map[string]string `json:"settings,omitempty"`
	// CGO is the CGO_ENABLED setting: "1", "0" or "" when not recorded.
	CGO string `json:"cgo,omitempty"`
	// TZData says time/tzdata is linked in: time.LoadLocation works without zoneinfo files.
	TZData bool `json:"tzdata"`
	// LoadsLocation says time.LoadLocation is linked in (the code or a dependency loads a
	// named zone, which needs zoneinfo files or time/tzdata).
	LoadsLocation bool `json:"loadsLocation"`
	// TLSClient says an HTTP client (net/http.(*Transport).roundTrip) or a TLS dial
	// (crypto/tls.Dial and friends) is linked in: the program opens outbound connections,
	// and HTTPS or TLS ones verify against the system CA bundle. A pure server is false; a
	// driver that wraps its own connection with tls.Client is not seen here (check sees it in
	// the code).
	TLSClient bool `json:"tlsClient"`
	// FuncNamesRead says the function-name table could be read; when false the three fields
	// above are unknown rather than false.
	FuncNamesRead bool `json:"funcNamesRead"`
	// MinKernel is the oldest Linux kernel this Go version supports (see MinKernel).
	MinKernel string `json:"minKernel,omitempty"`
}

// Module is one module of a Go build.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"`
	Sum     string `json:"sum,omitempty"`
	// Replace is the replacement module path@version, if any.
	Replace string `json:"replace,omitempty"`
}

// Setting returns a build setting ("" when absent).
func (g *GoInfo) Setting(key string) string {
	if g == nil {
		return ""
	}
	return g.Settings[key]
}

// MinKernel returns the oldest Linux kernel a Go toolchain version supports, from the Go
// release notes: Go 1.24 raised the minimum to Linux 3.2 ("Go 1.24 requires Linux kernel
// version 3.2 or later"); Go 1.18 to 1.23 required 2.6.32. Older toolchains are treated as
// 2.6.32 too, which errs on the side of not reporting. It returns "" for an unparsable version.
func MinKernel(goVersion string) string {
	major, minor, ok := goMinor(goVersion)
	if !ok {
		return ""
	}
	if major > 1 || minor >= 24 {
		return "3.2"
	}
	return "2.6.32"
}

func goMinor(v string) (major, minor int, ok bool) {
	v = strings.TrimPrefix(v, "go")
	v, _, _ = strings.Cut(v, " ") // "go1.22.0 X:boringcrypto"
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	// "1.21rc2" has a pre-release suffix on the minor.
	m := strings.IndexFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
	if m >= 0 {
		parts[1] = parts[1][:m]
	}
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}

// ErrEmpty is returned for an empty file.
var ErrEmpty = errors.New("empty file")

// ReadFile reads the facts of the executable at path.
func ReadFile(path string) (*Facts, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	return Read(f, st.Size(), path)
}

// Read reads the facts of an executable of size bytes from r; name is what messages call it.
// A file that is not ELF, Mach-O, PE or a script is Format Unknown, not an error; an error means
// the file claims a format but is corrupt or truncated.
func Read(r io.ReaderAt, size int64, name string) (facts *Facts, err error) {
	// debug/elf and friends are fuzzed upstream, but a corrupt file must never take the
	// process down: a panic in a parser becomes an error about the file.
	defer func() {
		if p := recover(); p != nil {
			facts, err = nil, fmt.Errorf("%s: corrupt executable: %v", name, p)
		}
	}()
	f := &Facts{Path: name, Size: size, Format: Unknown}
	if size == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEmpty)
	}
	var magic [4]byte
	n, _ := r.ReadAt(magic[:], 0)
	m := magic[:n]
	switch {
	case bytes.HasPrefix(m, []byte(elf.ELFMAG)):
		f.Format = ELF
		if err := readELF(f, r); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	case isMachO(m):
		f.Format, f.OS = MachO, "darwin"
		f.Arch = machOArch(r)
	case bytes.HasPrefix(m, []byte("MZ")):
		f.Format, f.OS = PE, "windows"
		if pf, err := pe.NewFile(r); err == nil {
			f.Arch = peArch(pf.Machine)
		}
	case bytes.HasPrefix(m, []byte("#!")):
		f.Format = Script
		readShebang(f, r)
		return f, nil
	default:
		return f, nil
	}
	if f.Format != Unknown {
		readGo(f, r)
	}
	return f, nil
}

func isMachO(m []byte) bool {
	if len(m) < 4 {
		return false
	}
	be, le := binary.BigEndian.Uint32(m), binary.LittleEndian.Uint32(m)
	for _, v := range []uint32{macho.Magic32, macho.Magic64, macho.MagicFat} {
		if be == v || le == v {
			return true
		}
	}
	return false
}

func machOArch(r io.ReaderAt) string {
	if ff, err := macho.NewFatFile(r); err == nil {
		var as []string
		for _, a := range ff.Arches {
			as = append(as, machOCPU(a.Cpu))
		}
		return strings.Join(as, "+")
	}
	mf, err := macho.NewFile(r)
	if err != nil {
		return ""
	}
	return machOCPU(mf.Cpu)
}

func machOCPU(c macho.Cpu) string {
	switch c {
	case macho.CpuAmd64:
		return "amd64"
	case macho.CpuArm64:
		return "arm64"
	case macho.Cpu386:
		return "386"
	case macho.CpuArm:
		return "arm"
	}
	return fmt.Sprintf("cpu(%d)", c)
}

func peArch(m uint16) string {
	switch m {
	case pe.IMAGE_FILE_MACHINE_AMD64:
		return "amd64"
	case pe.IMAGE_FILE_MACHINE_ARM64:
		return "arm64"
	case pe.IMAGE_FILE_MACHINE_I386:
		return "386"
	case pe.IMAGE_FILE_MACHINE_ARMNT:
		return "arm"
	}
	return fmt.Sprintf("machine(%#x)", m)
}

// maxShebang is the longest interpreter line read; Linux reads at most 256 bytes
// (BINPRM_BUF_SIZE) of it.
const maxShebang = 256

func readShebang(f *Facts, r io.ReaderAt) {
	buf := make([]byte, maxShebang)
	n, _ := r.ReadAt(buf, 0)
	line := buf[2:n]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if bytes.HasSuffix(line, []byte("\r")) {
		f.ShebangCR = true
		line = line[:len(line)-1]
	}
	f.Shebang = strings.TrimSpace(string(line))
}

// Interpreter splits a shebang line into the interpreter path and its optional argument, as
// Linux does (one argument, the rest of the line).
func Interpreter(shebang string) (path, arg string) {
	shebang = strings.TrimLeft(shebang, " \t")
	i := strings.IndexAny(shebang, " \t")
	if i < 0 {
		return shebang, ""
	}
	return shebang[:i], strings.TrimSpace(shebang[i+1:])
}

func readELF(f *Facts, r io.ReaderAt) error {
	ef, err := elf.NewFile(r)
	if err != nil {
		return fmt.Errorf("corrupt ELF: %w", err)
	}
	f.OS = "linux"
	f.Bits = 32
	if ef.Class == elf.ELFCLASS64 {
		f.Bits = 64
	}
	f.BigEndian = ef.Data == elf.ELFDATA2MSB
	f.Arch = elfArch(ef)
	if ef.Type != elf.ET_EXEC && ef.Type != elf.ET_DYN {
		// An object file or a core dump: the kernel refuses it with exec format error.
		f.Format = Unknown
		return nil
	}
	hasDynamic := false
	for _, p := range ef.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			// PT_INTERP is a NUL-terminated path; a loader path longer than PATH_MAX is
			// corrupt.
			if p.Filesz > 4096 {
				return fmt.Errorf("PT_INTERP of %d bytes is corrupt", p.Filesz)
			}
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("reading PT_INTERP: %w", err)
			}
			f.Interp = string(bytes.TrimRight(b, "\x00"))
		case elf.PT_DYNAMIC:
			hasDynamic = true
		}
	}
	f.Static = f.Interp == ""
	f.Stripped = ef.Section(".symtab") == nil
	if hasDynamic {
		if libs, err := ef.DynString(elf.DT_NEEDED); err == nil {
			f.Needed = libs
		}
		for _, tag := range []elf.DynTag{elf.DT_RUNPATH, elf.DT_RPATH} {
			if rp, err := ef.DynString(tag); err == nil {
				for _, s := range rp {
					f.RunPath = append(f.RunPath, strings.Split(s, ":")...)
				}
			}
		}
		if flags, err := ef.DynValue(elf.DT_FLAGS_1); err == nil {
			for _, v := range flags {
				if v&uint64(elf.DF_1_PIE) != 0 {
					f.PIE = true
				}
			}
		}
		readVersions(f, ef)
	}
	if ef.Type == elf.ET_DYN && f.Interp != "" {
		f.PIE = true
	}
	f.Libc = libcFamily(f.Interp, f.Needed)
	return nil
}

func elfArch(ef *elf.File) string {
	b64 := ef.Class == elf.ELFCLASS64
	le := ef.Data == elf.ELFDATA2LSB
	switch ef.Machine {
	case elf.EM_X86_64:
		if b64 {
			return "amd64"
		}
		return "amd64p32"
	case elf.EM_386:
		return "386"
	case elf.EM_AARCH64:
		return "arm64"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_RISCV:
		if b64 {
			return "riscv64"
		}
		return "riscv"
	case elf.EM_PPC64:
		if le {
			return "ppc64le"
		}
		return "ppc64"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_LOONGARCH:
		return "loong64"
	case elf.EM_MIPS:
		switch {
		case b64 && le:
			return "mips64le"
		case b64:
			return "mips64"
		case le:
			return "mipsle"
		}
		return "mips"
	}
	return fmt.Sprintf("machine(%d)", int(ef.Machine))
}

// libcFamily judges the C library a dynamic ELF links against by its loader, then its
// libraries: musl's loader is /lib/ld-musl-<arch>.so.1 and Alpine names its libc
// libc.musl-<arch>.so.1; glibc's loaders are ld-linux*.so.N and ld64.so.N, its libc libc.so.6.
func libcFamily(interp string, needed []string) string {
	base := interp[strings.LastIndexByte(interp, '/')+1:]
	switch {
	case strings.HasPrefix(base, "ld-musl-"):
		return "musl"
	case strings.HasPrefix(base, "ld-linux") || strings.HasPrefix(base, "ld64.so") || base == "ld.so.1":
		return "glibc"
	}
	for _, n := range needed {
		switch {
		case strings.HasPrefix(n, "libc.musl-"):
			return "musl"
		case n == "libc.so.6":
			return "glibc"
		}
	}
	return ""
}

// glibcABIVersions maps glibc's non-numeric ABI markers to the release that introduced them.
var glibcABIVersions = map[string]string{
	"GLIBC_ABI_DT_RELR": "2.36", // DT_RELR relocations, glibc 2.36
}

func readVersions(f *Facts, ef *elf.File) {
	needs, err := ef.DynamicVersionNeeds()
	if err != nil {
		return
	}
	f.Versions = map[string][]string{}
	glibcIndex := map[uint16]string{}
	for _, n := range needs {
		for _, d := range n.Needs {
			f.Versions[n.Name] = append(f.Versions[n.Name], d.Dep)
			v := ""
			switch {
			case strings.HasPrefix(d.Dep, "GLIBC_") && d.Dep != "GLIBC_PRIVATE":
				v = glibcABIVersions[d.Dep]
				if v == "" {
					v = strings.TrimPrefix(d.Dep, "GLIBC_")
				}
				if isVersion(v) && CompareVersions(v, f.GlibcFloor) > 0 {
					f.GlibcFloor = v
					glibcIndex[d.Index] = d.Dep
				}
			case strings.HasPrefix(d.Dep, "GLIBCXX_"):
				v = strings.TrimPrefix(d.Dep, "GLIBCXX_")
				if isVersion(v) && CompareVersions(v, f.GlibcxxFloor) > 0 {
					f.GlibcxxFloor = v
				}
			}
		}
	}
	if f.GlibcFloor == "" {
		return
	}
	// One symbol that needs the floor makes the message concrete.
	if syms, err := ef.ImportedSymbols(); err == nil {
		for _, s := range syms {
			if s.Version == "GLIBC_"+f.GlibcFloor {
				f.GlibcFloorSymbol = s.Name
				break
			}
		}
	}
}

func isVersion(v string) bool {
	if v == "" {
		return false
	}
	for _, p := range strings.Split(v, ".") {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return true
}

// CompareVersions compares dotted numeric versions ("2.34" < "2.4" is false: 34 > 4). The empty
// version is lower than every other; non-numeric parts compare as 0.
func CompareVersions(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" {
		return -1
	}
	if b == "" {
		return 1
	}
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func readGo(f *Facts, r io.ReaderAt) {
	bi, err := buildinfo.Read(r)
	if err != nil {
		return
	}
	g := &GoInfo{Version: bi.GoVersion, Path: bi.Path, Main: module(&bi.Main), Settings: map[string]string{}}
	for _, d := range bi.Deps {
		g.Deps = append(g.Deps, module(d))
	}
	for _, s := range bi.Settings {
		g.Settings[s.Key] = s.Value
	}
	g.CGO = g.Settings["CGO_ENABLED"]
	g.MinKernel = MinKernel(g.Version)
	if f.Format == ELF {
		if names, ok := funcNames(r); ok {
			g.FuncNamesRead = true
			g.TZData = bytes.Contains(names, []byte("\x00time/tzdata."))
			g.LoadsLocation = bytes.Contains(names, []byte("\x00time.LoadLocation\x00"))
			// The client handshake itself is linked into servers too (net/http keeps it), so
			// the evidence of an outbound connection is the HTTP client's round trip or a
			// TLS dial.
			g.TLSClient = bytes.Contains(names, []byte("\x00net/http.(*Transport).roundTrip\x00")) ||
				bytes.Contains(names, []byte("\x00crypto/tls.dial\x00"))
		}
	}
	f.Go = g
}

func module(m *debug.Module) Module {
	out := Module{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		out.Replace = m.Replace.Path
		if m.Replace.Version != "" {
			out.Replace += "@" + m.Replace.Version
		}
	}
	return out
}

// maxFuncNames bounds the function-name table read; real tables are a few MB even for 100 MB
// binaries.
const maxFuncNames = 64 << 20

// funcNames returns the function-name table of a Go ELF's pclntab, NUL-separated and with a
// leading NUL so that every name can be matched as "\x00name\x00". It reads the pclntab header
// and then only the table (Go 1.16 and later). The pclntab is the .gopclntab section of an
// internally linked binary; an externally linked PIE (as Linux distributions build Go programs)
// keeps it inside .data.rel.ro with no section of its own, so that section is searched for the
// header.
func funcNames(r io.ReaderAt) ([]byte, bool) {
	ef, err := elf.NewFile(r)
	if err != nil {
		return nil, false
	}
	for _, name := range []string{".gopclntab", ".data.rel.ro.gopclntab"} {
		if s := ef.Section(name); s != nil && s.Type != elf.SHT_NOBITS {
			return pclnNames(s, 0, s.Size, ef.ByteOrder)
		}
	}
	if s := ef.Section(".data.rel.ro"); s != nil && s.Type != elf.SHT_NOBITS {
		if off, ok := findPclnHeader(s, ef.ByteOrder); ok {
			return pclnNames(s, off, s.Size-off, ef.ByteOrder)
		}
	}
	return nil, false
}

// findPclnHeader searches a section for a Go 1.18+ pclntab header: the magic, two zero pad
// bytes, the instruction quantum (1, 2 or 4) and the pointer size (4 or 8).
func findPclnHeader(s *elf.Section, order binary.ByteOrder) (uint64, bool) {
	const chunk = 1 << 20
	buf := make([]byte, chunk+8)
	for off := uint64(0); off < s.Size; off += chunk {
		n, _ := s.ReadAt(buf, int64(off))
		b := buf[:n]
		for i := 0; i+8 <= len(b); i += 4 { // the table is pointer-aligned
			m := order.Uint32(b[i:])
			if (m == 0xfffffff1 || m == 0xfffffff0) && b[i+4] == 0 && b[i+5] == 0 &&
				(b[i+6] == 1 || b[i+6] == 2 || b[i+6] == 4) && (b[i+7] == 4 || b[i+7] == 8) {
				return off + uint64(i), true
			}
		}
	}
	return 0, false
}

func pclnNames(s *elf.Section, base, size uint64, order binary.ByteOrder) ([]byte, bool) {
	var hdr [8 + 8*8]byte
	n, _ := s.ReadAt(hdr[:], int64(base))
	h := hdr[:n]
	if len(h) < 8 {
		return nil, false
	}
	magic := order.Uint32(h)
	ptr := int(h[7])
	if ptr != 4 && ptr != 8 {
		return whole(s, base, size)
	}
	word := func(i int) uint64 {
		off := 8 + i*ptr
		if off+ptr > len(h) {
			return 0
		}
		if ptr == 4 {
			return uint64(order.Uint32(h[off:]))
		}
		return order.Uint64(h[off:])
	}
	var nameOff, cuOff uint64
	switch magic {
	case 0xfffffff1, 0xfffffff0: // Go 1.20+, 1.18-1.19: nfunc, nfiles, textStart, funcnameOffset, cuOffset
		nameOff, cuOff = word(3), word(4)
	case 0xfffffffa: // Go 1.16-1.17: nfunc, nfiles, funcnameOffset, cuOffset
		nameOff, cuOff = word(2), word(3)
	default:
		return whole(s, base, size)
	}
	if nameOff == 0 || cuOff <= nameOff || cuOff > size || cuOff-nameOff > maxFuncNames {
		return whole(s, base, size)
	}
	buf := make([]byte, 1+cuOff-nameOff)
	if _, err := s.ReadAt(buf[1:], int64(base+nameOff)); err != nil && !errors.Is(err, io.EOF) {
		return nil, false
	}
	return buf, true
}

func whole(s *elf.Section, base, size uint64) ([]byte, bool) {
	if size > maxFuncNames {
		return nil, false
	}
	buf := make([]byte, 1+size)
	if _, err := s.ReadAt(buf[1:], int64(base)); err != nil && !errors.Is(err, io.EOF) {
		return nil, false
	}
	return buf, true
}

// Describe says in a few words what the file is built for, as messages quote it:
// "ELF 64-bit linux/arm64, dynamic (glibc)", "Mach-O darwin/arm64", "shell script".
func (f *Facts) Describe() string {
	switch f.Format {
	case ELF:
		link := "static"
		if !f.Static {
			link = "dynamic"
			if f.Libc != "" {
				link += " (" + f.Libc + ")"
			}
		}
		return fmt.Sprintf("ELF %d-bit %s/%s, %s", f.Bits, f.OS, f.Arch, link)
	case MachO:
		return "Mach-O " + f.OS + "/" + f.Arch
	case PE:
		return "PE " + f.OS + "/" + f.Arch
	case Script:
		return "script (#!" + f.Shebang + ")"
	}
	return "not an executable format Linux knows"
}

// SortedVersions returns the versions required from lib, sorted.
func (f *Facts) SortedVersions(lib string) []string {
	v := append([]string(nil), f.Versions[lib]...)
	sort.Strings(v)
	return v
}

// LibraryVersions reads the symbol versions a shared library defines (its verdefs), like
// GLIBC_2.36 in libc.so.6: the highest GLIBC_x.y is the glibc release. It reads only the
// headers and the version sections.
func LibraryVersions(r io.ReaderAt) (defs []string, err error) {
	defer func() {
		if p := recover(); p != nil {
			defs, err = nil, fmt.Errorf("corrupt shared library: %v", p)
		}
	}()
	ef, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("corrupt ELF: %w", err)
	}
	vs, err := ef.DynamicVersions()
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		defs = append(defs, v.Name)
	}
	return defs, nil
}

// GlibcRelease returns the glibc release a libc.so.6 defines: its highest numeric GLIBC_x.y
// version ("" when it defines none, as musl's libc does not).
func GlibcRelease(defs []string) string {
	best := ""
	for _, d := range defs {
		v, ok := strings.CutPrefix(d, "GLIBC_")
		if ok && isVersion(v) && CompareVersions(v, best) > 0 {
			best = v
		}
	}
	return best
}
