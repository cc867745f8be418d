// Package container holds the detectors for images and containers, and the Go build inside a Dockerfile: what the code needs at run time against what the final image provides.
package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{
	GoVersionMismatch,     // SS1010
	ModuleResolution,      // SS1011
	CgoToolchain,          // SS1012
	DynamicLoaderMissing,  // SS2001
	GlibcTooOld,           // SS2002
	WrongArch,             // SS2003
	CACertificatesMissing, // SS2004
	TzdataMissing,         // SS2005
	RelativePathMissing,   // SS2006
	WorkingDirectory,      // SS2007
	FilePermission,        // SS2008
	ExecPermission,        // SS2009
	CRLFScript,            // SS2010
	MissingRuntimeBinary,  // SS2011
	UserMissing,           // SS2012
	TmpDirMissing,         // SS2013
	MountSourceMissing,    // SS2014
	EnvMissing,            // SS2015
	EntrypointExits,       // SS2016
}
