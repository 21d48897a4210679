package numfmt

import "testing"

func TestCount(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", -1306: "-1,306", 311755: "311,755", 1234567: "1,234,567"} {
		if got := Count(v, false); got != want {
			t.Errorf("Count(%v) = %q, want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{5000: "5,000", 20000: "20k", 385558: "385.6k", 1500000: "1.5M", -40000: "-40k"} {
		if got := Count(v, true); got != want {
			t.Errorf("Count(%v, short) = %q, want %q", v, got, want)
		}
	}
}
