// Package code holds the detectors that need only the Go code and its module files: failure
// modes decided before any deployment artifact is read.
package code

import (
	"strings"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

//go:generate go run gen_zones.go

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{
	PprofExposed,          // SS1001
	DebugMode,             // SS1002
	HardcodedEndpoint,     // SS1003
	InconsistentVendoring, // SS1004
	MissingGoSum,          // SS1005
	ReplaceTargetMissing,  // SS1006
	InvalidTimezoneName,   // SS1007
	NonMainPackageBuilt,   // SS1008
	MalformedGoMod,        // SS1009
}

// devDirs are directory names under which a program is a development aid (an example, a demo,
// a code generator, a test harness), not something a deployment runs. Run-time findings about
// code that only such programs reach would be noise: a client library's examples/ connect to
// localhost on purpose.
var devDirs = map[string]bool{
	"example": true, "examples": true, "_example": true, "_examples": true, "demo": true,
	"demos": true, "sample": true, "samples": true, "hack": true, "tools": true, "scripts": true,
	"test": true, "tests": true, "e2e": true, "bench": true, "benchmark": true, "benchmarks": true,
}

// deployed says whether a program is one a deployment would run: none of the directories on
// its path (relative to the checked root) is a development directory.
func deployed(p *gocode.Program) bool {
	for _, seg := range strings.Split(p.Dir, "/") {
		if devDirs[seg] {
			return false
		}
	}
	return true
}

// programsReaching returns the deployed programs (binaries) that link the package at import
// path pkg. Code that no deployed program reaches does not ship, and findings about it would
// be noise.
func programsReaching(g *gocode.Facts, pkg string) []*gocode.Program {
	var out []*gocode.Program
	for _, p := range g.Programs {
		if deployed(p) && p.Reaches(pkg) {
			out = append(out, p)
		}
	}
	return out
}

// ships says whether some deployed program links the package at import path pkg.
func ships(g *gocode.Facts, pkg string) bool { return len(programsReaching(g, pkg)) > 0 }

// linked says whether any program of the tree, deployed or not, links the package.
func linked(g *gocode.Facts, pkg string) bool {
	for _, p := range g.Programs {
		if p.Reaches(pkg) {
			return true
		}
	}
	return false
}

// posOfFile is the position of a whole file.
func posOfFile(file string) source.Pos { return source.Pos{File: file} }

// hasProgram says whether a module builds a binary. The module rules report only such modules:
// a library's go.mod problems surface in the services that import it, which are checked
// against their own go.mod and go.sum.
func hasProgram(g *gocode.Facts, m *gocode.Module) bool {
	for _, p := range g.Programs {
		if p.Module == m {
			return true
		}
	}
	return false
}
