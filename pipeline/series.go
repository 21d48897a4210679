package pipeline

import (
	"fmt"
	"slices"

	"github.com/emigre/emigre/load"
)

// Series is what happened in a run to one series: one source's figures
// for one destination. A one-country source has one, its own; a source
// that answers for many countries has one per destination its answer
// held, and one per destination an earlier answer held that this one
// lacks (absent: the publisher stopped publishing that country).
type Series struct {
	Destination string // "" for a multi-country source none of whose destinations is known
	Status      string // load.SourceOK, SourceUnchanged, SourceFailed, SourceNotConfigured, SourceNotArchived, SourceAbsent
	Rows        int    // this destination's observations in the answer
	Merge       *load.MergeStats
	Error       string // for absent: which answers held it
}

// seriesOf splits a source's outcome into its series. published are the
// destinations the source's current observations give figures for, for
// the run's origin, before this run: what its answer is expected to hold.
func seriesOf(o *Outcome, origin string, published []string, merge *load.MergeStats) []Series {
	if !o.Source.MultiCountry() {
		return []Series{{Destination: o.Source.Destination, Status: o.Status, Rows: o.Rows, Merge: merge}}
	}
	if o.Status != load.SourceOK && o.Status != load.SourceUnchanged {
		// Not read: every destination it is known for shares the outcome.
		if len(published) == 0 {
			return []Series{{Status: o.Status, Rows: o.Rows}}
		}
		out := make([]Series, 0, len(published))
		for _, d := range published {
			out = append(out, Series{Destination: d, Status: o.Status})
		}
		return out
	}
	rows, present := map[string]int{}, map[string]bool{}
	for _, ob := range o.obs {
		rows[ob.Destination]++
		if !ob.Missing && ob.Citizenship == origin {
			present[ob.Destination] = true
		}
	}
	dests := slices.Clone(published)
	for d := range present {
		if !slices.Contains(dests, d) {
			dests = append(dests, d)
		}
	}
	slices.Sort(dests)
	if len(dests) == 0 {
		return []Series{{Status: o.Status, Rows: o.Rows, Merge: merge}}
	}
	out := make([]Series, 0, len(dests))
	for _, d := range dests {
		if !present[d] {
			out = append(out, Series{Destination: d, Status: load.SourceAbsent, Rows: rows[d],
				Error: fmt.Sprintf("%s no longer gives a figure for %s (citizens of %s): earlier answers did, and their figures are kept",
					o.Source.ID, d, origin)})
			continue
		}
		s := Series{Destination: d, Status: load.SourceUnchanged, Rows: rows[d]}
		if merge != nil {
			m := merge.ByDestination[d]
			s.Merge = &m
			if m.Inserted+m.Revised > 0 {
				s.Status = load.SourceOK
			}
		}
		out = append(out, s)
	}
	return out
}

// seriesRows are the run_sources rows of a source's series.
func seriesRows(o *Outcome, series []Series) []load.RunSourceRow {
	out := make([]load.RunSourceRow, 0, len(series))
	for _, s := range series {
		r := load.RunSourceRow{SourceID: o.Source.ID, Destination: s.Destination, Status: s.Status,
			HTTPStatus: o.HTTPStatus, Bytes: o.Bytes, Rows: s.Rows, Duration: o.Duration, Merge: s.Merge, Error: s.Error}
		switch {
		case s.Status == load.SourceNotConfigured || s.Status == load.SourceNotArchived:
			r.Error = o.Err.Error()
		case o.Err != nil:
			r.Status, r.Stage, r.Error = load.SourceFailed, o.Stage, o.Err.Error()
		}
		out = append(out, r)
	}
	return out
}
