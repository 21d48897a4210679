// Package numfmt writes numbers of persons the way every rendering of
// emigre shows them (12,345; 1.2M on an axis). It imports nothing of ours,
// so the quality checks, the report and its charts all format alike.
package numfmt

import (
	"math"
	"strconv"
	"strings"
)

// Count formats a number of persons for an axis or label: 12,300; 1.2M
// when short is set and the value is a million or more; k for thousands.
func Count(v float64, short bool) string {
	a := math.Abs(v)
	sign := ""
	if v < 0 {
		sign = "-"
	}
	switch {
	case short && a >= 1e6:
		return sign + trimZeros(strconv.FormatFloat(a/1e6, 'f', 1, 64)) + "M"
	case short && a >= 1e4:
		return sign + trimZeros(strconv.FormatFloat(a/1e3, 'f', 1, 64)) + "k"
	}
	s := strconv.FormatFloat(math.Round(a), 'f', 0, 64)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return sign + b.String()
}

// trimZeros drops the zeros after a decimal point, and the point when
// nothing follows it: 1.50 -> 1.5, 2.0 -> 2.
func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
