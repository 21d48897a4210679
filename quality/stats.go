package quality

import (
	"math"
	"slices"
)

// median of xs; NaN when xs is empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// mad is the median absolute deviation from the median.
func mad(xs []float64) float64 {
	m := median(xs)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - m)
	}
	return median(dev)
}

// madScale turns a MAD into an estimate of the standard deviation of
// normally distributed data (1/Φ⁻¹(3/4)).
const madScale = 1.4826

// robustZ is how far x lies from history, in robust standard deviations:
// |x - median| / (1.4826 MAD). A history whose MAD is zero (every value
// alike) would make any change infinitely surprising, so the scale never
// falls below floor.
func robustZ(x float64, history []float64, floor float64) (z, center, scale float64) {
	center = median(history)
	scale = max(madScale*mad(history), floor)
	return math.Abs(x-center) / scale, center, scale
}

// relGap is |a-b| relative to the larger magnitude, and 0 when both are 0.
// floor keeps two small numbers from looking far apart.
func relGap(a, b, floor float64) float64 {
	d := math.Abs(a - b)
	if d == 0 {
		return 0
	}
	return d / max(math.Abs(a), math.Abs(b), floor)
}
