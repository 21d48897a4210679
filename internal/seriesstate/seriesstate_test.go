package seriesstate

import "testing"

func TestCounts(t *testing.T) {
	for _, c := range []struct {
		counts map[string]int
		want   string
	}{
		{map[string]int{"not-archived": 6, "ok": 190, "stale": 31, "failing": 0}, "190 ok, 31 stale, 6 not archived"},
		{map[string]int{"zombie": 1, "ok": 2}, "2 ok, 1 zombie"},
		{nil, "none"},
	} {
		if got := Counts(c.counts); got != c.want {
			t.Errorf("Counts(%v) = %q, want %q", c.counts, got, c.want)
		}
	}
}
