package container

import "github.com/shipshape-dev/shipshape/internal/rule"

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
	// Requires and Run: added with the detector.
}
