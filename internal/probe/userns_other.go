//go:build !linux

package probe

func userNamespaces() bool { return false }
