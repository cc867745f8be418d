package script

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Git index modes of interest.
const (
	ModeRegular    = 0o100644
	ModeExecutable = 0o100755
	ModeSymlink    = 0o120000
	ModeGitlink    = 0o160000
)

// ReadIndex reads the entries of a git index file (format versions 2, 3 and 4, as described
// in git's Documentation/gitformat-index.txt) and returns each path's mode. Extensions are not
// read; a split index ("link" extension) lists only the entries changed since the shared index,
// which ReadIndex cannot see and reports with an error alongside what it read.
func ReadIndex(data []byte) (map[string]uint32, error) {
	if len(data) < 12 || string(data[:4]) != "DIRC" {
		return nil, errors.New("not a git index (no DIRC signature)")
	}
	version := binary.BigEndian.Uint32(data[4:8])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("unsupported git index version %d", version)
	}
	count := binary.BigEndian.Uint32(data[8:12])
	modes := make(map[string]uint32, min(int(count), len(data)/62)) // a corrupt count cannot force a huge map
	off := 12
	var prev []byte
	for i := uint32(0); i < count; i++ {
		const fixed = 62 // ctime, mtime, dev, ino, mode, uid, gid, size (40), sha-1 (20), flags (2)
		start := off
		if off+fixed > len(data) {
			return modes, fmt.Errorf("git index truncated in entry %d", i)
		}
		mode := binary.BigEndian.Uint32(data[off+24 : off+28])
		flags := binary.BigEndian.Uint16(data[off+60 : off+62])
		off += fixed
		if version >= 3 && flags&0x4000 != 0 {
			off += 2 // extended flags
		}
		if off > len(data) {
			return modes, fmt.Errorf("git index truncated in entry %d", i)
		}
		var name []byte
		if version == 4 {
			strip, n := varint(data[off:])
			if n == 0 || strip > uint64(len(prev)) {
				return modes, fmt.Errorf("git index entry %d: bad path prefix", i)
			}
			off += n
			end := bytes.IndexByte(data[off:], 0)
			if end < 0 {
				return modes, fmt.Errorf("git index entry %d: unterminated path", i)
			}
			name = append(append([]byte(nil), prev[:len(prev)-int(strip)]...), data[off:off+end]...)
			off += end + 1
		} else {
			end := bytes.IndexByte(data[off:], 0)
			if end < 0 {
				return modes, fmt.Errorf("git index entry %d: unterminated path", i)
			}
			name = data[off : off+end]
			// Entries are padded with 1 to 8 NUL bytes to a multiple of 8 from their start.
			off = start + (off+end-start+8)&^7
		}
		prev = name
		modes[string(name)] = mode
	}
	if off <= len(data)-8 && string(data[off:off+4]) == "link" {
		return modes, errors.New("split git index: modes of entries in the shared index are not read")
	}
	return modes, nil
}

// varint decodes git's offset varint (used by index v4): each continuation adds one before
// shifting, so every value has a single encoding.
func varint(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	v := uint64(b[0] & 0x7f)
	n := 1
	for b[n-1]&0x80 != 0 {
		if n >= len(b) || n > 9 {
			return 0, 0
		}
		v = (v+1)<<7 | uint64(b[n]&0x7f)
		n++
	}
	return v, n
}

// gitIndex finds the git index of the repository holding root and returns the modes of the
// files under root, keyed by slash path relative to root. It returns nil and no error when root
// is not in a git work tree.
func gitIndex(root string) (map[string]uint32, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	for dir := abs; ; {
		dotgit := filepath.Join(dir, ".git")
		if st, err := os.Stat(dotgit); err == nil {
			gitDir := dotgit
			if !st.IsDir() { // a worktree or submodule: ".git" is a file naming the git dir
				b, err := os.ReadFile(dotgit)
				if err != nil {
					return nil, err
				}
				line, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
				if !ok {
					return nil, fmt.Errorf("%s does not name a git directory", dotgit)
				}
				gitDir = strings.TrimSpace(line)
				if !filepath.IsAbs(gitDir) {
					gitDir = filepath.Join(dir, gitDir)
				}
			}
			data, err := os.ReadFile(filepath.Join(gitDir, "index"))
			if errors.Is(err, os.ErrNotExist) {
				return map[string]uint32{}, nil // a repository with nothing staged yet
			}
			if err != nil {
				return nil, err
			}
			all, err := ReadIndex(data)
			prefix, _ := filepath.Rel(dir, abs)
			prefix = filepath.ToSlash(prefix)
			if prefix == "." {
				return all, err
			}
			under := map[string]uint32{}
			for p, m := range all {
				if rest, ok := strings.CutPrefix(p, prefix+"/"); ok {
					under[rest] = m
				}
			}
			return under, err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, nil
		}
		dir = parent
	}
}
