package host

import (
	"errors"

	"golang.org/x/sys/unix"
)

// System is what Collect asks the kernel directly rather than reading from the file system.
// Live answers for the running process; tests and image roots supply their own.
type System interface {
	// Uname returns the kernel release, version, machine and node name.
	Uname() (Uname, error)
	// Rlimit returns the soft and hard limit of a resource (unix.RLIMIT_NOFILE, …).
	Rlimit(resource int) (soft, hard uint64, err error)
	// IDs returns the real uid, gid and the supplementary groups.
	IDs() (uid, gid int, groups []int, err error)
	// Writable says whether the process may write to path (access(2) W_OK), which fails for
	// a read-only file system and for modes the user is not allowed; no file is created.
	Writable(path string) (bool, error)
}

// Uname is the answer of uname(2).
type Uname struct {
	Release, Version, Machine, Nodename string
}

// Live is the System of the running process.
type Live struct{}

// Uname calls uname(2).
func (Live) Uname() (Uname, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return Uname{}, err
	}
	return Uname{
		Release:  unix.ByteSliceToString(u.Release[:]),
		Version:  unix.ByteSliceToString(u.Version[:]),
		Machine:  unix.ByteSliceToString(u.Machine[:]),
		Nodename: unix.ByteSliceToString(u.Nodename[:]),
	}, nil
}

// Rlimit calls getrlimit(2).
func (Live) Rlimit(resource int) (uint64, uint64, error) {
	var r unix.Rlimit
	if err := unix.Getrlimit(resource, &r); err != nil {
		return 0, 0, err
	}
	return r.Cur, r.Max, nil
}

// IDs calls getuid(2), getgid(2) and getgroups(2).
func (Live) IDs() (int, int, []int, error) {
	groups, err := unix.Getgroups()
	return unix.Getuid(), unix.Getgid(), groups, err
}

// Writable calls access(2) with W_OK.
func (Live) Writable(path string) (bool, error) {
	err := unix.Access(path, unix.W_OK)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EROFS), errors.Is(err, unix.EPERM):
		return false, nil
	}
	return false, err
}

// rlimitInfinity is RLIM_INFINITY.
const rlimitInfinity = ^uint64(0)
