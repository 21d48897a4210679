//go:build faultmatrix

package reliability

import (
	"fmt"
	"testing"

	"github.com/emigre/emigre/pipeline"
)

// TestEveryFaultOnEverySource runs the whole matrix: in rotation r, source
// i meets fault (i+r) mod F, so after F runs every source has met every
// fault that applies to its format, each run faulting most sources at once.
// Each run starts from the healthy baseline; every faulted source fails at
// the fault's stage with its reason in the outcome and the log, every
// other source loads, and the warehouse's data stay exactly the baseline's.
func TestEveryFaultOnEverySource(t *testing.T) {
	base := newBaseline(t)
	faults := Faults()
	srcs := askedAgain(base.sources)
	cells := 0
	faulted := map[string]bool{}
	for r := range faults {
		t.Run(fmt.Sprintf("rotation %d", r), func(t *testing.T) {
			logs.reset()
			dir := base.copyTo(t)
			srv, err := NewSampleServer()
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			want := map[string]Fault{}
			for i, s := range srcs {
				if f := faults[(i+r)%len(faults)]; f.AppliesTo(base.answers[s.ID]) {
					srv.Inject(s.ID, f)
					want[s.ID] = f
				}
			}
			opt := liveOptions(dir, srv)
			// The fast matrix checks the retries; here they would only
			// double the time every timeout takes.
			opt.Fetch.Retries = 0
			sum, err := pipeline.Run(t.Context(), opt)
			if err != nil {
				t.Fatalf("the run must complete and publish: %v", err)
			}
			for _, o := range sum.Outcomes {
				f, isFaulted := want[o.Source.ID]
				switch {
				case !isFaulted && o.Err != nil:
					t.Errorf("%s (healthy) failed: %v", o.Source.ID, o.Err)
				case !isFaulted:
				case o.Err == nil:
					t.Errorf("%s (%s) did not fail", o.Source.ID, f.Name)
				case o.Stage != f.Stage || !f.Reason.MatchString(o.Err.Error()):
					t.Errorf("%s (%s): failed at %s with %q, want %s matching %q", o.Source.ID, f.Name, o.Stage, o.Err, f.Stage, f.Reason)
				default:
					if _, ok := logs.sourceFailure(o.Source.ID, f.Reason); !ok {
						t.Errorf("%s (%s): not in the log", o.Source.ID, f.Name)
					}
					cells++
					faulted[o.Source.ID] = true
				}
			}
			after, err := ReadState(t.Context(), opt.Warehouse)
			if err != nil {
				t.Fatal(err)
			}
			check := func(s State) State { return State{Observations: s.Observations, Estimates: s.Estimates} }
			if ok, why := check(after).Equal(check(base.state)); !ok {
				t.Errorf("the data changed: %s", why)
			}
		})
	}
	t.Logf("%d runs; %d (fault, source) cells failed as they should, on %d of %d sources", len(faults), cells, len(faulted), len(srcs))
}
