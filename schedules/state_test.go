package schedules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/internal/seriesstate"
	"github.com/emigre/emigre/load"
)

func TestJudgePrecedence(t *testing.T) {
	p := Policy{FailingAfter: 3, Grace: 30 * 24 * time.Hour}
	at := instant("2025-08-15T12:00:00Z")
	succeeded := Facts{Attempted: true, LastStatus: load.SourceOK, LastMode: load.ModeLive,
		LastSuccess: instant("2025-08-14T06:00:00Z"), NewestPeriod: day("2024-12-31")}
	with := func(f func(*Facts)) Facts {
		c := succeeded
		f(&c)
		return c
	}
	failedAt := func(stage string, http, n int) func(*Facts) {
		return func(f *Facts) {
			f.LastStatus, f.LastStage, f.LastHTTPStatus, f.ConsecutiveFailures = load.SourceFailed, stage, http, n
			f.LastError = "source x: boom"
		}
	}
	for _, c := range []struct {
		name  string
		src   *extractors.Source
		facts Facts
		at    time.Time
		want  State
		in    string // a word the reason must hold
	}{
		{"on time", srcFresh, succeeded, at, OK, "on time"},
		{"never attempted", srcFresh, Facts{}, at, Unknown, "never attempted"},
		{"overdue past grace", srcFresh, with(func(f *Facts) { f.NewestPeriod = day("2023-12-31") }), at, Stale, "2023-12-31"},
		{"overdue within grace", srcFresh, with(func(f *Facts) { f.NewestPeriod = day("2023-12-31") }),
			instant("2025-07-20T00:00:00Z"), OK, "on time"},
		{"published nothing", srcFresh, with(func(f *Facts) { f.NewestPeriod = time.Time{} }), at, Stale, "no figure"},
		{"one failed fetch is weather", srcFresh, with(failedAt(load.StageFetch, 503, 1)), at, OK, "last attempt failed"},
		{"stale and a failed fetch", srcFresh, with(func(f *Facts) {
			failedAt(load.StageFetch, 503, 1)(f)
			f.NewestPeriod = day("2022-12-31")
		}), at, Stale, "2022-12-31"},
		{"failing after N", srcFresh, with(failedAt(load.StageFetch, 503, 3)), at, Failing, "3 runs"},
		{"parse failure is broken at once", srcFresh, with(failedAt(load.StageParse, 200, 1)), at, Broken, "boom"},
		{"load failure is broken", srcFresh, with(failedAt(load.StageLoad, 200, 1)), at, Broken, "load"},
		{"never succeeded", srcFresh, Facts{Attempted: true, LastStatus: load.SourceFailed, LastStage: load.StageFetch,
			ConsecutiveFailures: 1, LastError: "timeout"}, at, Unknown, "never succeeded"},
		{"never succeeded, failing", srcFresh, Facts{Attempted: true, LastStatus: load.SourceFailed, LastStage: load.StageFetch,
			ConsecutiveFailures: 3, LastError: "timeout"}, at, Failing, "timeout"},
		{"statement gone", srcStatement, with(failedAt(load.StageFetch, 404, 1)), at, DeadLink, "404"},
		{"statement gone for good", srcStatement, with(failedAt(load.StageFetch, 410, 5)), at, DeadLink, "2024-03-05"},
		{"offline 404 is not a dead link", srcStatement, with(func(f *Facts) {
			failedAt(load.StageFetch, 404, 1)(f)
			f.LastMode = load.ModeOffline
		}), at, OK, "last attempt failed"},
		{"a table's 404 is a failure, not a dead link", srcFresh, with(failedAt(load.StageFetch, 404, 3)), at, Failing, "3 runs"},
		{"statements are never stale", srcStatement, with(func(f *Facts) { f.NewestPeriod = day("2010-01-01") }), at, OK, "ad hoc"},
		// Skipped is not failed: an overdue source nobody could ask is
		// neither stale nor failing.
		{"not configured", srcFresh, with(func(f *Facts) {
			f.LastStatus, f.NewestPeriod, f.LastError = load.SourceNotConfigured, day("2022-12-31"), "set GENESIS_USER (its user)"
		}), at, NotConfigured, "set GENESIS_USER"},
		{"not in the replayed archive", srcFresh, with(func(f *Facts) {
			f.LastStatus, f.NewestPeriod = load.SourceNotArchived, time.Time{}
		}), at, NotArchived, "not in the replayed archive"},
	} {
		j := Judge(c.src, c.src.Destination, c.facts, c.at, p)
		if j.State != c.want || !strings.Contains(j.Reason, c.in) {
			t.Errorf("%s: %s (%s), want %s with %q", c.name, j.State, j.Reason, c.want, c.in)
		}
	}
}

func TestTransitionsOpenRepeatResolve(t *testing.T) {
	digest, err := ParseSpec("0 8 * * 1") // Mondays 08:00 UTC
	if err != nil {
		t.Fatal(err)
	}
	stale := Judgement{SourceID: "s", State: Stale, Reason: "late", At: instant("2025-08-04T10:00:00Z")}
	opened := transition(nil, stale, "s", "run1", instant("2025-08-04T10:05:00Z"), digest)
	if len(opened) != 1 || opened[0].event != Opened || !opened[0].opened || opened[0].row.AlertID != "s:stale:run1" {
		t.Fatalf("entering stale: %+v", opened)
	}
	prev := &openAlert{AlertRow: opened[0].row, Kind: Stale}

	// The next day: still stale, no digest due, nothing sent.
	next := stale
	next.At = instant("2025-08-05T10:00:00Z")
	same := transition(prev, next, "s", "run2", instant("2025-08-05T10:05:00Z"), digest)
	if len(same) != 1 || same[0].event != "" || !same[0].row.LastSeen.Equal(next.At) || same[0].row.AlertID != prev.AlertID {
		t.Fatalf("still stale before the digest: %+v", same)
	}
	// Monday after 08:00: the digest repeats it.
	next.At = instant("2025-08-11T09:00:00Z")
	rep := transition(prev, next, "s", "run3", instant("2025-08-11T09:00:00Z"), digest)
	if len(rep) != 1 || rep[0].event != Repeated || !rep[0].row.LastNotifiedAt.Equal(next.At) {
		t.Fatalf("digest due: %+v", rep)
	}
	// Recovered.
	ok := Judgement{SourceID: "s", State: OK, Reason: "on time", At: instant("2025-08-12T10:00:00Z")}
	res := transition(prev, ok, "s", "run4", instant("2025-08-12T10:00:00Z"), digest)
	if len(res) != 1 || res[0].event != Resolved || res[0].row.State != load.AlertResolved || !res[0].row.ResolvedAt.Equal(ok.At) {
		t.Fatalf("recovered: %+v", res)
	}
	// From stale to failing: the stale alert resolves, a failing one opens.
	failing := Judgement{SourceID: "s", State: Failing, Reason: "3 runs", At: ok.At}
	moved := transition(prev, failing, "s", "run5", ok.At, digest)
	if len(moved) != 2 || moved[0].event != Resolved || moved[1].event != Opened || moved[1].row.AlertID != "s:failing:run5" {
		t.Fatalf("stale to failing: %+v", moved)
	}
	// Unknown and ok sources without an alert stay quiet.
	if got := transition(nil, ok, "s", "run6", ok.At, digest); len(got) != 0 {
		t.Errorf("ok without alert: %+v", got)
	}
	// Replaying an older archive never moves last_seen or resolved_at back.
	older := stale
	older.At = instant("2024-01-01T00:00:00Z")
	if got := transition(prev, older, "s", "run7", ok.At, digest); !got[0].row.LastSeen.Equal(prev.LastSeen) {
		t.Errorf("last_seen moved back to %s", got[0].row.LastSeen)
	}
}

// Every state Judge gives is one the views know the order of.
func TestEveryStateIsShown(t *testing.T) {
	for _, s := range States {
		if !slices.Contains(seriesstate.Order, string(s)) {
			t.Errorf("state %s is not in seriesstate.Order", s)
		}
	}
	if len(seriesstate.Order) != len(States) {
		t.Errorf("seriesstate.Order %v, States %v", seriesstate.Order, States)
	}
}

// A multi-country answer may hold a country the catalogue does not say the
// source covers (UNHCR lists a country of asylum only in the years someone
// applied there): its old figures are loaded, but no period is due from
// it, so it is never stale; a covered country with the same figures is.
func TestAnUncoveredDestinationOwesNoPeriod(t *testing.T) {
	p := Policy{FailingAfter: 3, Grace: 30 * 24 * time.Hour}
	at := instant("2025-08-15T12:00:00Z")
	old := Facts{Attempted: true, LastStatus: load.SourceOK, LastMode: load.ModeLive,
		LastSuccess: instant("2025-08-14T06:00:00Z"), NewestPeriod: day("2007-12-31")}
	if j := Judge(srcNordic, "NO", old, at, p); j.State != Stale {
		t.Errorf("covered NO, newest 2007: %s (%s), want stale", j.State, j.Reason)
	}
	j := Judge(srcNordic, "AF", old, at, p)
	if j.State != OK || !strings.Contains(j.Reason, "not among the countries the source covers") ||
		!strings.Contains(j.Reason, "2007-12-31") || !j.ExpectedPeriod.IsZero() {
		t.Errorf("uncovered AF, newest 2007: %s (%s), expected %v; want ok, nothing due", j.State, j.Reason, j.ExpectedPeriod)
	}
	gone := old
	gone.LastStatus = load.SourceAbsent
	if j := Judge(srcNordic, "AF", gone, at, p); j.State != OK {
		t.Errorf("uncovered AF absent: %s (%s), want ok", j.State, j.Reason)
	}
	if j := Judge(srcNordic, "NO", gone, at, p); j.State != Stale {
		t.Errorf("covered NO absent: %s (%s), want stale", j.State, j.Reason)
	}
	// A failure of the request is the source's, covered or not.
	failed := old
	failed.LastStatus, failed.LastStage, failed.ConsecutiveFailures, failed.LastError = load.SourceFailed, load.StageParse, 1, "boom"
	if j := Judge(srcNordic, "AF", failed, at, p); j.State != Broken {
		t.Errorf("uncovered AF, parse failed: %s, want broken", j.State)
	}
}
