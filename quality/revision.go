package quality

import (
	"fmt"
	"math"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// revision: published numbers that changed since the last vintage, with
// old and new values.
func (c *checker) revision(s *extractors.Source) (load.QualityCheckRow, bool) {
	run, attempted := c.in.Runs[s.ID]
	if !attempted || run.Status == load.SourceFailed {
		return load.QualityCheckRow{}, false
	}
	worst, n := 0.0, 0
	var samples []string
	for _, r := range c.in.Revisions {
		if r.New.SourceID != s.ID {
			continue
		}
		n++
		var rel float64
		switch {
		case r.Old.Missing != r.New.Missing:
			rel = 1
		case !r.New.Missing:
			rel = math.Abs(r.New.Value-r.Old.Value) / max(math.Abs(r.Old.Value), 1)
		}
		worst = max(worst, rel)
		samples = append(samples, fmt.Sprintf("%s %s: %s -> %s (%+.1f%%)", series(r.New), periodLabel(r.New),
			revised(r.Old), revised(r.New), 100*signedRel(r)))
	}
	if n == 0 {
		return c.measured(CheckRevision, RuleRevision, s.ID, "", 0, "no published number changed", nil), true
	}
	return c.measured(CheckRevision, RuleRevision, s.ID, "", worst,
		fmt.Sprintf("%d published numbers changed; largest change %.1f%%", n, 100*worst), samples), true
}

func signedRel(r Revision) float64 {
	if r.Old.Missing || r.New.Missing {
		return 0
	}
	return (r.New.Value - r.Old.Value) / max(math.Abs(r.Old.Value), 1)
}

// revised shows one vintage: its value (or "missing") and flags.
func revised(o extractors.Observation) string {
	v := number(o.Value)
	if o.Missing {
		v = "missing"
	}
	if o.Flags != "" {
		v += " [" + o.Flags + "]"
	}
	return v
}
