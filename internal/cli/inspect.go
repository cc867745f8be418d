package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/image"
	"github.com/shipshape-dev/shipshape/internal/inspect"
	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func newInspectCmd(e *env) *cobra.Command {
	var (
		out       output
		hostFile  string
		project   string
		showFacts bool
	)
	cmd := &cobra.Command{
		Use:   "inspect ARTIFACT",
		Short: "Say whether a built binary or image will start, read from the artifact itself",
		Long: `inspect reads a built artifact and says whether it will start, with the same failure modes,
formats and exit codes as check. The first line is the verdict: "will start", "will not start:
<IDs>" or "cannot tell: <what is unknown>".

ARTIFACT is one of:
  ./app            an executable (ELF, or a Mach-O or PE built for the wrong system)
  image.tar        a docker save archive (legacy or OCI) or an OCI archive
  DIR              an OCI image layout directory
  daemon:REF       an image of the local Docker engine (DOCKER_HOST is honoured)

--host FILE compares a binary (or an image's platform) with a machine described as JSON:
  {"arch": "amd64", "libc": {"family": "glibc", "version": "2.31"}, "kernel": "5.10.0-28-amd64"}
--project DIR adds what check knows of the source: the files the code opens and the port it
listens on, against the image.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateOutput(&out); err != nil {
				return err
			}
			var opt inspect.Options
			if hostFile != "" {
				h, err := inspect.ReadHost(hostFile)
				if err != nil {
					return misuse("--host: %v", err)
				}
				opt.Host = h
			}
			if project != "" {
				t, err := tree.Walk(project, tree.Options{})
				if err != nil {
					return misuse("--project: %v", err)
				}
				opt.Project = facts.Load(t)
			}
			res, err := inspectArtifact(cmd, args[0], opt, showFacts, e)
			if err != nil {
				return err
			}
			if res == nil { // --facts printed
				return nil
			}
			if opt.Project != nil {
				res.Notes = append(res.Notes, opt.Project.Notes...)
			}
			werr := out.write(e, &report.Report{Root: args[0], Findings: res.Findings, Notes: res.Notes, Verdict: res.Verdict})
			if werr == nil && len(res.Blockers) > 0 {
				return &exitError{code: ExitFindings}
			}
			return werr
		},
	}
	addOutputFlags(cmd, &out)
	cmd.Flags().StringVar(&hostFile, "host", "", "JSON description of the target machine (arch, libc family and version, kernel)")
	cmd.Flags().StringVar(&project, "project", "", "source directory of the artifact, to check the files it opens and the port it listens on")
	cmd.Flags().BoolVar(&showFacts, "facts", false, "print what was read from the artifact as JSON instead of findings")
	return cmd
}

// inspectArtifact tells a binary from an image and inspects it; with showFacts it prints the
// facts and returns a nil result.
func inspectArtifact(cmd *cobra.Command, arg string, opt inspect.Options, showFacts bool, e *env) (*inspect.Result, error) {
	isImage := strings.HasPrefix(arg, "daemon:")
	if !isImage {
		st, err := os.Stat(arg)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, misuse("%s: no such file or directory", arg)
		case err != nil:
			return nil, misuse("%v", err)
		}
		isImage = st.IsDir() || looksLikeTar(arg)
	}
	if !isImage {
		b, err := binary.ReadFile(arg)
		if err != nil {
			return nil, misuse("%v", err)
		}
		if showFacts {
			return nil, printJSON(e.stdout, b)
		}
		return inspect.BinaryFacts(b, opt), nil
	}
	img, err := image.Open(cmd.Context(), arg)
	if err != nil {
		return nil, misuse("%v", err)
	}
	defer img.Close()
	res := inspect.Image(img, opt)
	if showFacts {
		return nil, printJSON(e.stdout, struct {
			Ref      string `json:"ref"`
			Platform string `json:"platform"`
			Layers   int    `json:"layers"`
			Paths    int    `json:"paths"`
			Config   any    `json:"config"`
			Entry    any    `json:"entrypoint,omitempty"`
		}{img.Ref, img.Platform(), img.Layers, img.FS.Len(), img.Config.Config, res.Binary})
	}
	return res, nil
}

// looksLikeTar says whether a file is a tar archive (the "ustar" magic at offset 257) or a
// gzip-compressed one.
func looksLikeTar(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [263]byte
	n, _ := io.ReadFull(f, b[:])
	if n >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		return true // gzip: no executable starts so; image.Open says to decompress it
	}
	return n == len(b) && bytes.HasPrefix(b[257:], []byte("ustar"))
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
