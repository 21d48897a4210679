// Package formats holds the format readers: one file per format, each
// registering itself with extractors.RegisterReader from init. A reader
// knows a format, never a country.
package formats

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/emigre/emigre/extractors"
)

// Defaults for the limits every reader of this package enforces; a source
// raises them through its parameters when a publisher really is that big.
const (
	DefaultMaxBytes = 256 << 20  // max_bytes: bytes read from one body
	DefaultMaxCells = 50_000_000 // max_cells: cells one table may declare
)

// ErrTooLarge is what a LimitReader returns once its input passes the limit.
var ErrTooLarge = errors.New("input exceeds the size limit")

// LimitReader returns a reader of at most n bytes of r that fails with
// ErrTooLarge when r has more, unlike io.LimitReader which cuts silently
// and would let a truncated body pass for a complete one.
func LimitReader(r io.Reader, n int64) io.Reader {
	return &limitedReader{r: r, left: n}
}

type limitedReader struct {
	r    io.Reader
	left int64 // bytes still allowed
	err  error
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.left <= 0 {
		// One probe byte tells "exactly at the limit" from "over it".
		var probe [1]byte
		n, err := l.r.Read(probe[:])
		if n > 0 {
			l.err = ErrTooLarge
			return 0, l.err
		}
		if err == nil {
			return 0, nil
		}
		l.err = err
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil {
		l.err = err
	}
	return n, err
}

// int64Param reads a positive integer parameter. A malformed value is the
// catalogue's mistake, not the input's, so it is a plain error.
func int64Param(in extractors.Input, name string, def int64) (int64, error) {
	s := in.Param(name, "")
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%s: parameter %s=%q: want a positive integer", in.Name, name, s)
	}
	return v, nil
}

// cellCount is the product of sizes, refused above max.
func cellCount(sizes []int, max int64) (int, error) {
	n := int64(1)
	for _, s := range sizes {
		if s == 0 {
			return 0, nil
		}
		if n > max/int64(s) {
			return 0, fmt.Errorf("sizes %v describe more than max_cells=%d cells", sizes, max)
		}
		n *= int64(s)
	}
	if n > max {
		return 0, fmt.Errorf("sizes %v describe %d cells, more than max_cells=%d", sizes, n, max)
	}
	return int(n), nil
}
