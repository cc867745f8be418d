package container

import (
	"fmt"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// CACertificatesMissing is a service that makes outbound TLS connections from an image without a
// CA bundle.
var CACertificatesMissing = &rule.Rule{
	ID:       "SS2004",
	Class:    "ca-certificates-missing",
	Title:    "outbound TLS from an image without CA certificates",
	Severity: rule.Warning,
	Doc: `**What happens.** The service starts, and every HTTPS request, TLS database connection or
OAuth call fails:

    Get "https://api.example.com/": tls: failed to verify certificate: x509: certificate signed by unknown authority

**Why.** On Linux, crypto/x509 loads trusted roots from well-known files
(/etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt, ...) or from
SSL_CERT_FILE / SSL_CERT_DIR. scratch and busybox have none, and neither have debian or ubuntu
images until the ca-certificates package is installed. With no roots every chain is "signed by unknown authority".
Alpine 3.13 and later ship ca-certificates-bundle, distroless and the golang images have the
bundle. A program that links golang.org/x/crypto/x509roots/fallback carries its own roots, and
SSL_CERT_FILE or SSL_CERT_DIR may point at a bundle elsewhere; neither needs the system one.
The same text also appears for private CAs and TLS-intercepting proxies, so check the image
first.

**How to confirm.**

    docker run --rm --entrypoint ls IMAGE -l /etc/ssl/certs
    docker run --rm IMAGE   # then trigger an outbound call
    shipshape inspect IMAGE

**How to fix.** Copy the bundle from the builder, use a base that has it, or embed roots:

    COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/

    # or FROM gcr.io/distroless/static (ships ca-certificates)
    # or import _ "golang.org/x/crypto/x509roots/fallback" in main`,
	Fix:     "Copy /etc/ssl/certs/ca-certificates.crt into the final image (or apk add ca-certificates), use a base that ships it, or import golang.org/x/crypto/x509roots/fallback.",
	Symptom: "x509: certificate signed by unknown authority",
	Signatures: []rule.Signature{
		rule.Sig("x509: certificate signed by unknown authority",
			`(?:^|: |\] )x509: certificate signed by unknown authority(?: \(.*\))?"?$`,
			"[...] tls: failed to verify certificate: x509: certificate signed by unknown authority"),
		rule.Sig("x509: failed to load system roots",
			`(?:^|: )x509: failed to load system roots and no roots provided`,
			"Get https://downloads.skycoin.net/blockchain/peers.txt: x509: failed to load system roots and no roots provided"),
	},
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runCACertificatesMissing,
}

// embeddedRoots are packages that give crypto/x509 a root set of their own when the system has
// none.
var embeddedRoots = []string{"golang.org/x/crypto/x509roots/fallback"}

// certDirs are where crypto/x509 looks for roots on Linux (root/linux.go: certFiles and
// certDirectories); anything copied under them may be a bundle the model does not name.
var certDirs = []string{"/etc/ssl/", "/etc/pki/", "/system/etc/security/cacerts", "/etc/openssl/"}

func runCACertificatesMissing(p *rule.Pass) error {
	g := p.Project.Go
	for _, t := range deploy.Images(p.Project) {
		im := t.Image
		if im.CABundle.State != dockerfile.No || hasCertPath(im) || im.Env["SSL_CERT_FILE"] != nil || im.Env["SSL_CERT_DIR"] != nil {
			continue
		}
		done := map[*gocode.Program]bool{}
		for _, b := range t.Binaries {
			prog := b.Program
			if prog == nil || done[prog] || reachesAny(prog, embeddedRoots) {
				continue
			}
			done[prog] = true
			var uses []*gocode.TLSUse
			for _, u := range g.TLS {
				if prog.Reaches(u.Pkg) && connects(u) {
					uses = append(uses, u)
				}
			}
			if len(uses) == 0 {
				continue
			}
			related := []rule.Related{{Pos: binaryPos(b), Message: prog.Name + " lands at " + b.Path}}
			for _, u := range uses {
				related = append(related, rule.Related{Pos: u.Pos, Message: "verifies TLS: " + tlsWhat(u)})
			}
			more := ""
			if len(uses) > 1 {
				more = fmt.Sprintf(" (and %d more TLS connections)", len(uses)-1)
			}
			p.Report(rule.Finding{
				Pos: im.CABundle.Pos,
				Message: fmt.Sprintf("%s: the image of %s has no CA certificates (%s), but %s, copied by %s, makes verified TLS connections (%s %s%s): "+
					"every one fails with \"x509: certificate signed by unknown authority\"",
					im.CABundle.Pos.Short(), t.File.Path, im.CABundle.Why, prog.Name, binaryPos(b).Short(), uses[0].Pos.Short(), tlsWhat(uses[0]), more),
				Related: related,
			})
		}
	}
	return nil
}

// connects says whether a TLS fact is a connection the program makes: a URL literal only when
// it goes straight into a request (a link in a message or a schema ID is not one), a DSN only
// when it names a host (a table of scheme prefixes is not one).
func connects(u *gocode.TLSUse) bool {
	switch u.Kind {
	case "url":
		return u.Request
	case "driver":
		return !strings.HasSuffix(u.Target, "://")
	}
	return true
}

func tlsWhat(u *gocode.TLSUse) string {
	switch u.Kind {
	case "url":
		return "requests " + u.Target
	case "dial":
		return "dials TLS (" + u.Target + ")"
	case "driver":
		return "connects with TLS to " + u.Target
	case "sdk":
		return "imports " + u.Target + ", which talks HTTPS"
	}
	return u.Kind + " " + u.Target
}

// hasCertPath says whether something was copied or created where crypto/x509 finds roots.
func hasCertPath(im *dockerfile.Image) bool {
	for p := range im.Paths {
		for _, d := range certDirs {
			if strings.HasPrefix(p+"/", d) || strings.HasPrefix(p, d) {
				return true
			}
		}
	}
	return false
}

// reachesAny says whether the program links one of the packages.
func reachesAny(prog *gocode.Program, pkgs []string) bool {
	for _, pkg := range pkgs {
		if prog.Reaches(pkg) {
			return true
		}
	}
	return false
}

// binaryPos is where the binary enters the image: its COPY, or its go build in the image's
// own stage.
func binaryPos(b *deploy.Bin) (pos source.Pos) {
	if b.Copy != nil {
		return b.Copy.Pos
	}
	return b.Build.Pos
}
