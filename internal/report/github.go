package report

import (
	"errors"
	"io"
)

// GitHub writes workflow commands (::error file=…,line=…::message) that annotate a pull request.
type GitHub struct{}

func (GitHub) Format(w io.Writer, r *Report, opt Options) error {
	return errors.New("github: not written yet")
}
