// Package deploy answers where each Go program of the tree runs and under what conditions: the
// images the Dockerfiles build and the Go binaries in them (traced back to their programs), and
// the targets that run a program (the image of a Dockerfile, a compose service, a Kubernetes
// container, a systemd unit) with the arguments, environment, working directory and mounts they
// give it. It reads facts only, never files.
//
// Everything here prefers "unknown" to a guess: a target whose program cannot be named has a nil
// Program, and an environment variable that some source may set without its value being visible
// (an env_file, envFrom, an EnvironmentFile=, valueFrom) is unknown, not unset.
package deploy
