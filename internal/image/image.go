// Package image answers what a built container image holds: its config and its flattened file
// system, read lazily from a tarball, an OCI layout or the Docker engine.
package image

// Facts describe one image.
type Facts struct{}
