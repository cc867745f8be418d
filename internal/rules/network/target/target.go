// Package target forwards to package deploy, which answers which Go program each deployment
// target runs and under what conditions. It stays only until the Kubernetes and unit rules that
// still import it (kube/configmap_over_binary.go, kube/mounted_key_missing.go, unit/programs.go,
// unit/forking_foreground_server.go) import deploy themselves; new code imports deploy.
package target

import (
	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

type (
	// Target is deploy.Target.
	Target = deploy.Target
	// Set is deploy.Set.
	Set = deploy.Set
)

// NewSet is deploy.NewSet.
func NewSet(p *facts.Project) *Set { return deploy.NewSet(p) }

// Executable is deploy.Executable.
func Executable(im *dockerfile.Image) (string, source.Pos) { return deploy.Executable(im) }

// ProgramOfUnit is deploy.ProgramOfUnit.
func ProgramOfUnit(p *facts.Project, cmd *systemd.Command) *gocode.Program {
	return deploy.ProgramOfUnit(p, cmd)
}

// Deployed is deploy.Deployed.
func Deployed(g *gocode.Facts) []*gocode.Program { return deploy.Deployed(g) }

// LinksUnmodeled is deploy.LinksUnmodeled.
func LinksUnmodeled(g *gocode.Facts, prog *gocode.Program) string {
	return deploy.LinksUnmodeled(g, prog)
}
