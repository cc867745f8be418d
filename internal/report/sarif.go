package report

import (
	"errors"
	"io"
)

// SARIF writes SARIF 2.1.0 with rule metadata from the catalog.
type SARIF struct{}

func (SARIF) Format(w io.Writer, r *Report, opt Options) error {
	return errors.New("sarif: not written yet")
}
