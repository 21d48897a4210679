package formats

import "testing"

func TestParseCount(t *testing.T) {
	cases := []struct {
		in, dec string
		want    float64
	}{
		{"12345", "", 12345},
		{"12 345", "", 12345},
		{"12\u00a0345", "", 12345},
		{"12\u2009345", "", 12345},
		{"12\u202f345*", "", 12345},
		{"12,345", "", 12345},
		{"23.804", "", 23804}, // Serbian thousands dots
		{"1.234.567", "", 1234567},
		{"1,5", "", 1.5}, // decimal comma before "тысяч"
		{"40", "", 40},
		{"1,234.5", "", 1234.5},
		{"1.234,5", "", 1234.5},
		{"12,345", ",", 12.345}, // the source says comma is decimal
		{"80 тысяч", "", 80},    // unit after the number stops the figure
	}
	for _, c := range cases {
		got, err := ParseCount(c.in, c.dec)
		if err != nil {
			t.Errorf("ParseCount(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("ParseCount(%q, %q) = %v, want %v", c.in, c.dec, got, c.want)
		}
	}
	for _, bad := range []string{"", ":", "..", "n/a", "1.2.3,4,5x"} {
		if v, err := ParseCount(bad, ""); err == nil {
			t.Errorf("ParseCount(%q) = %v, want an error", bad, v)
		}
	}
}
