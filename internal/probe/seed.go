package probe

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// plantSeeds copies the seeds into dir, files with their modes and directories whole, owned by
// the caller (root in an image, as COPY without --chown leaves them).
func plantSeeds(dir string, seeds []Seed) error {
	for _, s := range seeds {
		dst := filepath.Join(dir, filepath.FromSlash(s.Dst))
		if rel, err := filepath.Rel(dir, dst); err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("seed %s lands outside the working directory", s.Dst)
		}
		err := filepath.WalkDir(s.Src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(s.Src, p)
			to := filepath.Join(dst, rel)
			switch {
			case d.IsDir():
				return os.MkdirAll(to, 0o755)
			case d.Type()&fs.ModeSymlink != 0:
				l, err := os.Readlink(p)
				if err != nil {
					return err
				}
				return os.Symlink(l, to)
			case d.Type().IsRegular():
				return copyFile(p, to)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("copying %s into the working directory: %w", s.Src, err)
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
