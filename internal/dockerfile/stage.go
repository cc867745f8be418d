package dockerfile

import "github.com/shipshape-dev/shipshape/internal/source"

// Stage is one FROM and the instructions up to the next FROM.
type Stage struct {
	// Index is the 0-based position of the stage in the file (what --from=0 refers to).
	Index int
	// Name is the lower-cased `AS` name, "" when unnamed.
	Name string
	// Pos is the FROM instruction.
	Pos  source.Pos
	Base Base
	// Args and Env are the stage's ARG and ENV declarations in order, values expanded.
	Args []*Var
	Env  []*Var
	// Workdirs are the WORKDIR instructions, each resolved to an absolute path.
	Workdirs []*Workdir
	// Users are the USER instructions.
	Users  []*User
	Copies []*Copy
	Runs   []*Run
	Expose []*Port
	// Entrypoint and Cmd are the last ENTRYPOINT and CMD of the stage (earlier ones are dead).
	Entrypoint *Command
	Cmd        *Command
	// Healthcheck is the last HEALTHCHECK of the stage.
	Healthcheck *Healthcheck
	Volumes     []*Volume
	Shell       *Command
	StopSignal  *Var
	// PlatformRefs are the uses of BuildKit's automatic platform ARGs (TARGETARCH, …) inside the
	// stage, each saying whether the stage declared the ARG (without `ARG TARGETARCH` the
	// variable is empty inside a stage).
	PlatformRefs []*PlatformRef
	// Steps are the stage's instructions in order; each is one of *Var (ENV/ARG), *Workdir,
	// *User, *Copy, *Run, *Port, *Command, *Healthcheck, *Volume.
	Steps []any
}

// Base is what a FROM line names.
type Base struct {
	Pos source.Pos
	// Raw is the image reference as written; Ref is it with ARGs expanded.
	Raw string
	Ref string
	// Unresolved is true when Ref uses an ARG without a default value: the image is then chosen
	// at build time and nothing is known about it.
	Unresolved bool
	// Repo, Tag and Digest split Ref ("gcr.io/distroless/static-debian12", "nonroot", "sha256:…").
	// Tag is "" when only a digest or nothing is given (Docker then uses "latest").
	Repo, Tag, Digest string
	// Platform is --platform expanded (as written when it uses a variable); "" when absent.
	Platform    string
	PlatformRaw string
	// FromStage is the earlier stage named by Ref (`FROM builder`), nil for images.
	FromStage *Stage
	// Scratch is true for `FROM scratch`.
	Scratch bool
}

// Var is an ENV or ARG (or STOPSIGNAL) value.
type Var struct {
	Pos  source.Pos
	Name string
	// Value is expanded with the variables in scope; HasValue is false for `ARG NAME`.
	Value    string
	HasValue bool
	// Unresolved is true when Value used an ARG without a default.
	Unresolved bool
	// Arg is true for ARG, false for ENV.
	Arg bool
}

// Workdir is a WORKDIR instruction.
type Workdir struct {
	Pos source.Pos
	// Raw is the expanded argument; Path is it resolved against the previous working directory.
	Raw, Path string
	// Relative is true when Raw was not absolute (Docker resolves it against the previous one).
	Relative bool
	// Unresolved is true when Raw uses an ARG without a value (Raw is then as written).
	Unresolved bool
}

// User is a USER instruction.
type User struct {
	Pos source.Pos
	// Raw is the expanded argument; Name is the user part, Group the part after ':'.
	Raw, Name, Group string
	// UID and GID are set (>= 0) when the parts are numeric; -1 otherwise.
	UID, GID int
	// Unresolved is true when Raw uses an ARG without a value (Raw is then as written).
	Unresolved bool
}

// Numeric is true when the user is given as a number (what runAsNonRoot can verify).
func (u *User) Numeric() bool { return u.UID >= 0 }

// Copy is a COPY or ADD instruction.
type Copy struct {
	Pos source.Pos
	// Add is true for ADD.
	Add bool
	// Sources are the source paths as written after ARG expansion; Dest likewise, and DestAbs is
	// Dest resolved against the working directory (ending in "/" when it names a directory).
	Sources []string
	Dest    string
	DestAbs string
	// DestIsDir is true when Dest ends with "/" or there are several sources, so each source
	// lands inside it.
	DestIsDir bool
	// From is --from as written; FromStage is the stage it names (nil for an image or context).
	From      string
	FromStage *Stage
	// Chmod, Chown, Link are the flags; Chown is "" when absent (files then belong to root).
	Chmod, Chown string
	Link         bool
	// Heredocs are inline files (`COPY <<EOF /etc/x`).
	Heredocs []Heredoc
	// Workdir is the working directory in effect.
	Workdir string
	// Placed are the files this copy puts into the image: project files for copies from the
	// build context (after .dockerignore), source paths of the builder for --from copies.
	Placed []Placed
	// Unresolved is true when a source or the destination uses an unset ARG, or a source could
	// not be expanded (URL, missing file) — Placed is then incomplete.
	Unresolved bool
}

// Placed is one file (or directory, for --from copies whose contents are unknown) landing in
// the image.
type Placed struct {
	// Src is the tree path (context copies) or the path in the source stage (--from copies).
	Src string
	// Dest is the absolute path in the image.
	Dest string
	// Dir is true when Src is a directory whose contents are not enumerated (--from copies of a
	// directory).
	Dir bool
}

// Heredoc is an inline file of COPY, ADD or RUN.
type Heredoc struct {
	Pos  source.Pos
	Name string
	Data string
}

// Port is one EXPOSE entry.
type Port struct {
	Pos source.Pos
	// Raw is the expanded word, Port the number (0 when not a number, e.g. an unset ARG), Proto
	// "tcp" or "udp". End is set for ranges ("8000-8010").
	Raw        string
	Port, End  int
	Proto      string
	Unresolved bool
}

// Command is an ENTRYPOINT, CMD or SHELL instruction.
type Command struct {
	Pos source.Pos
	// Exec is true for the JSON (exec) form. In shell form Args holds one element, the command
	// line, which runs under the stage's SHELL (default /bin/sh -c).
	Exec bool
	Args []string
	// Kind is "ENTRYPOINT", "CMD" or "SHELL".
	Kind string
}

// Healthcheck is a HEALTHCHECK instruction.
type Healthcheck struct {
	Pos source.Pos
	// None is true for HEALTHCHECK NONE.
	None bool
	// Exec is true for `CMD [..]` (exec form), false for the shell form (CMD-SHELL).
	Exec bool
	Args []string
}

// Volume is one VOLUME path.
type Volume struct {
	Pos  source.Pos
	Path string
}

// PlatformRef is a use of an automatic platform ARG inside a stage.
type PlatformRef struct {
	Pos  source.Pos
	Name string // TARGETARCH, TARGETOS, TARGETPLATFORM, TARGETVARIANT, BUILDPLATFORM, BUILDOS, BUILDARCH
	// Declared is true when the stage has `ARG <Name>` before the use.
	Declared bool
}
