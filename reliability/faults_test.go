package reliability

import (
	"github.com/emigre/emigre/extractors/catalogue"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
)

// A cell of the fault matrix: one fault on one source, every other source
// healthy, and one other source (the witness) publishing a revision so the
// run has something to load besides the failure.
type cell struct {
	fault   Fault
	target  *extractors.Source
	witness *extractors.Source
}

// matrix gives each fault its own target source, cycling through the
// formats the fault applies to, so the matrix covers every reader.
func matrix(t *testing.T, base baseline) []cell {
	t.Helper()
	byFormat := map[string][]*extractors.Source{}
	var formats []string
	for _, s := range askedAgain(base.sources) {
		if _, ok := byFormat[s.Format]; !ok {
			formats = append(formats, s.Format)
		}
		byFormat[s.Format] = append(byFormat[s.Format], s)
	}
	// Faults for one format pick first, so the general ones do not use up
	// the few sources of a rare format.
	faults := Faults()
	order := make([]int, 0, len(faults))
	for pass := range 2 {
		for i, f := range faults {
			if (len(f.Formats) > 0) == (pass == 0) {
				order = append(order, i)
			}
		}
	}
	used := map[string]bool{}
	cells := make([]cell, len(faults))
	for _, i := range order {
		f := faults[i]
		var target *extractors.Source
		for k := range formats {
			format := formats[(i+k)%len(formats)]
			for _, s := range byFormat[format] {
				if !used[s.ID] && f.AppliesTo(base.answers[s.ID]) {
					target = s
					break
				}
			}
			if target != nil {
				break
			}
		}
		if target == nil {
			t.Fatalf("no unused source for fault %q", f.Name)
		}
		used[target.ID] = true
		cells[i] = cell{fault: f, target: target, witness: witnessFor(target)}
	}
	return cells
}

// witnessFor picks another healthy source whose revision must land while
// the target fails: Eurostat's population, or its first permits when the
// population is the target.
func witnessFor(target *extractors.Source) *extractors.Source {
	for _, id := range []string{"eurostat-migr_pop1ctz", "eurostat-migr_resfirst"} {
		s, err := catalogue.MustDefault().Source(id)
		if err == nil && s.ID != target.ID {
			return s
		}
	}
	panic("reliability: no witness source in the catalogue")
}

// representative is the fault of each kind that the default test run
// meets; with the build tag faultmatrix every fault runs. Where a kind has
// a harder case, it is the one: the body that never completes (a timeout
// after the headers), the 503 that says when to retry, the bomb whose
// memory is measured, and the only fault caught at the load stage.
var representative = map[string]string{
	"connection": "slow drip",
	"status":     "HTTP 503 with Retry-After",
	"not data":   "HTML error page with status 200",
	"drift":      "schema drift: renamed dimension",
	"size":       "gzip bomb",
	"encoding":   "unexpected encoding: UTF-16",
	"value":      "non-numeric value",
	"duplicate":  "duplicated period (two codes, one period)",
}

// Every kind of fault has one representative, a fault of that kind, so the
// default run meets every kind; a new kind must name its representative.
func TestEveryFaultKindHasARepresentative(t *testing.T) {
	kinds := map[string]bool{}
	for _, f := range Faults() {
		kinds[f.Kind] = true
		name, ok := representative[f.Kind]
		switch {
		case f.Kind == "":
			t.Errorf("fault %q has no kind", f.Name)
		case !ok:
			t.Errorf("kind %q (fault %q) has no representative", f.Kind, f.Name)
		case FaultNamed(name).Kind != f.Kind:
			t.Errorf("the representative of %q, %q, is of kind %q", f.Kind, name, FaultNamed(name).Kind)
		}
	}
	for k := range representative {
		if !kinds[k] {
			t.Errorf("representative for %q, a kind no fault has", k)
		}
	}
}

// TestFaultMatrix injects faults, one at a time, each into its own source,
// into a live run that starts from a healthy warehouse: one fault of each
// kind by default, every fault with the build tag faultmatrix. For every
// cell: the run completes and publishes; the faulty source alone fails, at
// the expected stage, named with a specific reason in run_sources and the
// log; every other source loads (the witness's revision lands); the faulty
// source's observations and its country's estimate are untouched; bombs
// leave memory bounded.
func TestFaultMatrix(t *testing.T) {
	base := newBaseline(t)
	// The cells are laid out over every fault either way, so a fault meets
	// the same source in the default run and in the full matrix.
	for _, c := range matrix(t, base) {
		if !fullMatrix && representative[c.fault.Kind] != c.fault.Name {
			continue
		}
		t.Run(c.fault.Name, func(t *testing.T) {
			if !c.fault.Bomb {
				// Bombs run first and alone, so the allocation they
				// cause is measurable.
				t.Parallel()
			}
			runCell(t, base, c)
		})
	}
}

func runCell(t *testing.T, base baseline, c cell) {
	dir := base.copyTo(t)
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Inject(c.target.ID, c.fault)
	srv.Set(c.witness.ID, Revised(7))
	opt := liveOptions(dir, srv)

	var mem0, mem1 runtime.MemStats
	runtime.ReadMemStats(&mem0)
	sum, err := pipeline.Run(t.Context(), opt)
	runtime.ReadMemStats(&mem1)
	if err != nil {
		t.Fatalf("the run must complete and publish: %v", err)
	}
	failed := outcome(sum, c.target.ID)
	t.Logf("%s on %s (%s): %d requests, %d MiB allocated (healthy run: %d MiB), %s: %v", c.fault.Name, c.target.ID, c.target.Format,
		srv.Hits(c.target.ID), (mem1.TotalAlloc-mem0.TotalAlloc)>>20, base.alloc>>20, failed.Stage, failed.Err)

	// The outcome names the faulty source, the stage and the reason.
	if sum.Failed != 1 {
		t.Errorf("%d sources failed, want only %s: %v", sum.Failed, c.target.ID, failures(sum))
	}
	switch {
	case failed.Err == nil:
		t.Fatalf("%s did not fail (status %s)", c.target.ID, failed.Status)
	case failed.Stage != c.fault.Stage:
		t.Errorf("failed at stage %s, want %s: %v", failed.Stage, c.fault.Stage, failed.Err)
	case !c.fault.Reason.MatchString(failed.Err.Error()):
		t.Errorf("reason %q does not match %q", failed.Err, c.fault.Reason)
	case !strings.Contains(failed.Err.Error(), c.target.ID):
		t.Errorf("reason %q does not name the source", failed.Err)
	}
	if _, ok := logs.sourceFailure(c.target.ID, c.fault.Reason); !ok {
		t.Errorf("the log has no error for %s matching %q", c.target.ID, c.fault.Reason)
	}
	// Go's transport may itself resend a request once when a kept-alive
	// connection dies before answering, so a retried fault sees at least
	// Retries+1 requests.
	// A fault that is not retried costs each request of the source one
	// request at most (a source of monthly files fetches them all before
	// its reader meets the fault; a paged answer asks for its next page).
	if hits := srv.Hits(c.target.ID); c.fault.Retried && hits < opt.Fetch.Retries+1 ||
		!c.fault.Retried && c.fault.Name != "redirect loop" && (hits < 1 || hits > maxRequests(c.target)) {
		t.Errorf("the server saw %d requests (retried: %v, retries %d)", hits, c.fault.Retried, opt.Fetch.Retries)
	}
	if c.fault.Bomb {
		// The bombs offer GzipBombSize or OversizedBody bytes; a run
		// that held them would allocate at least that much more than a
		// healthy run.
		if got := mem1.TotalAlloc - mem0.TotalAlloc; got > base.alloc+32<<20 {
			t.Errorf("the run allocated %d MiB facing a bomb, a healthy run %d MiB", got>>20, base.alloc>>20)
		}
	}

	// The warehouse says the same, and lost nothing.
	checkRunSources(t, opt.Warehouse, c.target.ID, c.fault, len(base.sources))
	after, err := ReadState(t.Context(), opt.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	checkUntouched(t, base.state, after, c.target, c.witness)
}

func outcome(sum *pipeline.Summary, id string) pipeline.Outcome {
	for _, o := range sum.Outcomes {
		if o.Source.ID == id {
			return o
		}
	}
	return pipeline.Outcome{}
}

func failures(sum *pipeline.Summary) []string {
	var out []string
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			out = append(out, o.Err.Error())
		}
	}
	return out
}

// checkRunSources checks the latest run's rows: the target failed with the
// reason (on the row of each of its destinations), every other source
// loaded or was unchanged.
func checkRunSources(t *testing.T, path, target string, f Fault, sources int) {
	t.Helper()
	db, err := load.OpenReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT source_id, status, coalesce(stage, ''), coalesce(error, '')
		FROM run_sources WHERE run_id = (SELECT max(run_id) FROM runs)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{} // a source answering for many countries has a row per destination
	for rows.Next() {
		var id, status, stage, msg string
		if err := rows.Scan(&id, &status, &stage, &msg); err != nil {
			t.Fatal(err)
		}
		seen[id] = true
		switch {
		case id == target && (status != load.SourceFailed || stage != f.Stage || !f.Reason.MatchString(msg)):
			t.Errorf("run_sources %s: %s at %q: %q, want failed at %s matching %q", id, status, stage, msg, f.Stage, f.Reason)
		case id != target && status == load.SourceFailed:
			t.Errorf("run_sources %s failed too: %s", id, msg)
		}
	}
	if len(seen) != sources {
		t.Errorf("run_sources has rows of %d sources for the run, want %d", len(seen), sources)
	}
}

// checkUntouched compares the state after a faulty run with the baseline:
// the only observation that changed is the witness's revision, the target's
// observations are all there as they were, and the only estimate that
// changed is the witness's country's.
func checkUntouched(t *testing.T, before, after State, target, witness *extractors.Source) {
	t.Helper()
	var changed []string
	for k, v := range before.Observations {
		if after.Observations[k] != v {
			changed = append(changed, k)
		}
	}
	for k := range after.Observations {
		if _, ok := before.Observations[k]; !ok {
			changed = append(changed, k)
		}
	}
	if len(changed) != 1 || !strings.HasPrefix(changed[0], witness.ID+"|") {
		t.Errorf("current observations changed at %v, want only the witness %s's revision", changed, witness.ID)
	}
	n := 0
	for k, v := range before.Observations {
		if strings.HasPrefix(k, target.ID+"|") {
			n++
			if after.Observations[k] != v {
				t.Errorf("%s: %s became %s", k, v, after.Observations[k])
			}
		}
	}
	if n == 0 {
		t.Errorf("the baseline has no observation of %s", target.ID)
	}
	for k, v := range before.Estimates {
		dest := strings.Split(k, "/")[0]
		switch {
		case dest == witness.Destination && after.Estimates[k] == v:
			t.Errorf("estimate %s unchanged by the witness's revision: did the run load it?", k)
		case dest != witness.Destination && after.Estimates[k] != v:
			t.Errorf("estimate %s: %s became %s", k, v, after.Estimates[k])
		}
	}
	if !slices.Equal(slices.Sorted(maps.Keys(before.Estimates)), slices.Sorted(maps.Keys(after.Estimates))) {
		t.Errorf("estimated countries changed: %v -> %v", slices.Sorted(maps.Keys(before.Estimates)), slices.Sorted(maps.Keys(after.Estimates)))
	}
}

// maxRequests bounds what fetching a source asks a server for once each:
// its requests, a discovery page's file, and the pages of a paged answer.
func maxRequests(s *extractors.Source) int {
	n := 0
	for _, r := range s.Requests {
		switch {
		case r.Paging != nil:
			n += 10 // no sample answer has more pages
		case r.RoleOrData() == extractors.RoleDiscovery:
			n += 2
		default:
			n++
		}
	}
	return n
}
