package container

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// UserMissing is a USER (or runAsUser) the runtime cannot resolve: a user name in an image
// without /etc/passwd, or a non-numeric USER where runAsNonRoot must verify a UID.
var UserMissing = &rule.Rule{
	ID:       "SS2012",
	Class:    "user-missing",
	Title:    "image user cannot be resolved to a uid",
	Severity: rule.Error,
	Doc: `**What happens.** The container is never started:

    docker: Error response from daemon: unable to find user nobody: no matching entries in passwd file.
    Error: container has runAsNonRoot and image has non-numeric user (nonroot), cannot verify user is non-root

**Why.** The runtime resolves a USER name through the image's /etc/passwd before it starts the
process. scratch has no /etc/passwd, so USER nobody or USER app fails; adduser in a builder
stage does not carry the account into the final stage. Kubernetes runAsNonRoot: true decides
from the image configuration alone, before starting anything, and can only trust a numeric UID,
so USER nonroot is refused even though the image maps it to 65532.

**How to confirm.**

    docker image inspect IMAGE --format '{{.Config.User}}'
    docker run --rm --entrypoint cat IMAGE /etc/passwd
    kubectl describe pod POD | grep -A3 'Error:'

**How to fix.** Use a numeric UID (and GID), which needs no passwd entry:

    USER 65532:65532

or copy /etc/passwd and /etc/group from the builder, or set runAsUser in the pod.`,
	Fix:     "Set USER to a numeric uid:gid (USER 65532:65532), or copy /etc/passwd and /etc/group into the final image; give runAsNonRoot pods a numeric user or runAsUser.",
	Symptom: "unable to find user app: no matching entries in passwd file",
	Signatures: []rule.Signature{
		rule.Sig("no matching entries in passwd file",
			`unable to find user (?P<name>[^:\s]+): no matching entries in passwd file\.?$`,
			"docker: Error response from daemon: unable to find user nobody: no matching entries in passwd file."),
		rule.Sig("image has non-numeric user",
			`container has runAsNonRoot and image has non-numeric user \((?P<name>[^)]+)\), cannot verify user is non-root`,
			`Error: container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "kuard-798585497b-4lpqf_default(6e554b4c-4f39-4fae-97c6-b147436639f4)", container: kuard)`),
		rule.Sig("Failed to determine user credentials",
			`(?:^|\s)(?P<name>\S+\.service): Failed to determine user credentials: No such process$`,
			"systemd[1965636]: ntpd-rs.service: Failed to determine user credentials: No such process"),
		rule.Sig("status=217/USER",
			`code=exited, status=217/USER\)?$`,
			" Main PID: 1182 (code=exited, status=217/USER)"),
	},
	Requires: []rule.Input{rule.Dockerfile},
	Run:      runUserMissing,
}

func runUserMissing(p *rule.Pass) error {
	ts := deploy.Images(p.Project)
	for _, t := range ts {
		im := t.Image
		if u := im.User; u != nil && !u.Unresolved && !u.Numeric() && im.HasUser(u.Name) == dockerfile.No && !opaqueRuns(t.Stage) {
			p.Report(rule.Finding{
				Pos: u.Pos,
				Message: fmt.Sprintf("%s USER %s, but the image of %s has no user %s (%s): the runtime cannot resolve the name and refuses to start the container: \"unable to find user %s: no matching entries in passwd file\"",
					u.Pos.Short(), u.Raw, t.File.Path, u.Name, whyNoUser(im, u.Name), u.Name),
				Related: []rule.Related{{Pos: im.BasePos, Message: "base " + t.Stage.Base.Ref + usersOf(im)}},
			})
		}
		for _, r := range deploy.Runners(p.Project, t) {
			if r.Service != nil {
				composeUser(p, t, r)
			}
			if r.Container != nil {
				runAsNonRoot(p, t, r)
			}
		}
	}
	return nil
}

// composeUser checks a compose service's user: override against the image's accounts.
func composeUser(p *rule.Pass, t *deploy.Image, r *deploy.Target) {
	u := r.Service.User
	name, _, _ := strings.Cut(u.Value, ":")
	if name == "" || strings.Contains(u.Raw, "$") || isNumber(name) || t.Image.HasUser(name) != dockerfile.No || opaqueRuns(t.Stage) {
		return
	}
	p.Report(rule.Finding{
		Pos: u.Pos,
		Message: fmt.Sprintf("%s: %s runs as user %s, but the image of %s has no user %s (%s): the container is not started: \"unable to find user %s: no matching entries in passwd file\"",
			u.Pos.Short(), r.Name, u.Value, t.File.Path, name, whyNoUser(t.Image, name), name),
		Related: []rule.Related{{Pos: t.Image.BasePos, Message: "base " + t.Stage.Base.Ref + usersOf(t.Image)}},
	})
}

// runAsNonRoot checks a Kubernetes container that must run as non-root without a runAsUser: the
// kubelet decides from the image's USER alone and accepts only a numeric, non-zero one.
func runAsNonRoot(p *rule.Pass, t *deploy.Image, r *deploy.Target) {
	pod, c := r.Object.Workload.SecurityContext, r.Container.SecurityContext
	pick := func(f func(*k8s.SecurityContext) k8s.Scalar) k8s.Scalar {
		if c != nil && f(c).Set() {
			return f(c)
		}
		if pod != nil {
			return f(pod)
		}
		return k8s.Scalar{}
	}
	nonRoot := pick(func(s *k8s.SecurityContext) k8s.Scalar { return s.RunAsNonRoot })
	if v, ok := nonRoot.Bool(); !ok || !v || pick(func(s *k8s.SecurityContext) k8s.Scalar { return s.RunAsUser }).Set() {
		return
	}
	user, pos, known := t.Image.RunAs()
	if !known || t.Image.User != nil && t.Image.User.Unresolved {
		return
	}
	name, _, _ := strings.Cut(user, ":")
	if t.Image.User == nil && name != "" && !isNumber(name) {
		// A base image's default user: the table names it, but whether the image config holds
		// the name or the uid (distroless :nonroot holds 65532, distroless PR #375) is not known.
		return
	}
	var msg string
	switch {
	case name == "" || name == "root" || name == "0":
		msg = "container has runAsNonRoot and image will run as root"
	case isNumber(name):
		return
	default:
		msg = fmt.Sprintf("container has runAsNonRoot and image has non-numeric user (%s), cannot verify user is non-root", name)
	}
	where := "the base image's default user"
	if pos != t.Image.BasePos || t.Image.User != nil {
		where = "USER " + user
	}
	if name == "" {
		where = "no USER (root)"
	}
	p.Report(rule.Finding{
		Pos: nonRoot.Pos,
		Message: fmt.Sprintf("%s runAsNonRoot: true for %s without runAsUser, and the image of %s runs as %s (%s): the kubelet refuses to create the container: \"%s\" (CreateContainerConfigError)",
			nonRoot.Pos.Short(), r.Name, t.File.Path, where, pos.Short(), msg),
		Related: []rule.Related{{Pos: pos, Message: where}, {Pos: r.Pos, Message: r.Name}},
		Symptom: "Error: " + msg,
	})
}

// whyNoUser says why the image has no such account.
func whyNoUser(im *dockerfile.Image, name string) string {
	if im.Passwd.State == dockerfile.No {
		return "its base " + im.Base.Family + " has no /etc/passwd at all"
	}
	return "its /etc/passwd comes from the base and no RUN adduser/useradd " + name + " runs in the final stage"
}

// usersOf lists the accounts the image is known to have, for the related position.
func usersOf(im *dockerfile.Image) string {
	if im.Passwd.State == dockerfile.No {
		return " has no /etc/passwd"
	}
	var names []string
	for n := range im.Users {
		names = append(names, n)
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return " has the users " + strings.Join(names, ", ")
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// opaqueRuns says whether a RUN of the stage chain does things the model cannot see: a script it
// cannot parse, or a script file or make target it runs (which may create users or install
// programs).
func opaqueRuns(s *dockerfile.Stage) bool {
	for st := s; st != nil; st = st.Base.FromStage {
		for _, r := range st.Runs {
			if r.Unparsed || strings.Contains(r.Script, ".sh") || strings.Contains(r.Script, "make ") || strings.Contains(r.Script, "ansible") {
				return true
			}
		}
	}
	return false
}
