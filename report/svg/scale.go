package svg

import (
	"math"
)

// Linear maps a domain [D0, D1] onto a range [R0, R1] of pixels.
type Linear struct{ D0, D1, R0, R1 float64 }

// At is the pixel of value v.
func (s Linear) At(v float64) float64 {
	if s.D1 == s.D0 {
		return (s.R0 + s.R1) / 2
	}
	return s.R0 + (v-s.D0)/(s.D1-s.D0)*(s.R1-s.R0)
}

// Ticks returns round values covering [lo, hi]: about n steps of 1, 2 or 5
// times a power of ten, the first at or below lo, the last at or above hi.
// An empty or one-point range is widened to hold a step either side.
func Ticks(lo, hi float64, n int) []float64 {
	if n < 1 {
		n = 1
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		pad := math.Max(1, math.Abs(lo)*0.1)
		lo, hi = lo-pad, hi+pad
	}
	step := niceStep((hi - lo) / float64(n))
	first := math.Floor(lo/step) * step
	last := math.Ceil(hi/step) * step
	var out []float64
	for v := first; v <= last+step/2; v += step {
		// Round away float drift (0.1+0.2) so labels print cleanly.
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// niceStep is the smallest of 1, 2, 5 × 10^k at or above raw.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
