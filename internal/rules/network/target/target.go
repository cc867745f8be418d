// Package target forwards to package deploy, which now answers which Go program each deployment
// target runs and under what conditions. It stays only until the rules outside the network
// package that still import it (kube, unit, and network's platform.go and privileged_port.go)
// import deploy themselves; new code imports deploy.
package target

import (
	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// Kinds of target.
const (
	Image      = deploy.KindImage
	Compose    = deploy.KindCompose
	Kubernetes = deploy.KindKubernetes
	Systemd    = deploy.KindSystemd
)

type (
	// Target is deploy.Target.
	Target = deploy.Target
	// Set is deploy.Set.
	Set = deploy.Set
	// Value is deploy.Value.
	Value = deploy.Value
	// Listen is deploy.Listen.
	Listen = deploy.Listen
)

// All is deploy.All.
func All(p *facts.Project) []*Target { return deploy.All(p) }

// NewSet is deploy.NewSet.
func NewSet(p *facts.Project) *Set { return deploy.NewSet(p) }

// Executable is deploy.Executable.
func Executable(im *dockerfile.Image) (string, source.Pos) { return deploy.Executable(im) }

// ProgramOfUnit is deploy.ProgramOfUnit.
func ProgramOfUnit(p *facts.Project, cmd *systemd.Command) *gocode.Program {
	return deploy.ProgramOfUnit(p, cmd)
}

// ByName is deploy.ByName.
func ByName(g *gocode.Facts, name string) *gocode.Program { return deploy.ByName(g, name) }

// Deployed is deploy.Deployed.
func Deployed(g *gocode.Facts) []*gocode.Program { return deploy.Deployed(g) }

// RefName is deploy.RefName.
func RefName(ref string) string { return deploy.RefName(ref) }

// LinksUnmodeled is deploy.LinksUnmodeled.
func LinksUnmodeled(g *gocode.Facts, prog *gocode.Program) string {
	return deploy.LinksUnmodeled(g, prog)
}
