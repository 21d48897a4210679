package schedules

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/pipeline"
)

// refreshAt runs one refresh at the clock's chosen instant.
func refreshAt(t *testing.T, m *Monitor, opt pipeline.Options, c *clock, at string) *Evaluation {
	t.Helper()
	c.Set(instant(at))
	_, ev, err := m.Refresh(context.Background(), opt.Sources, refresher(opt))
	if err != nil {
		t.Fatalf("refresh at %s: %v", at, err)
	}
	return ev
}

func stateOf(ev *Evaluation, s *extractors.Source) Judgement {
	for _, j := range ev.Judgements {
		if j.SourceID == s.ID {
			return j
		}
	}
	return Judgement{}
}

func TestStaleAlertOpensOnceRepeatsOnTheDigestAndResolves(t *testing.T) {
	pub := newPublisher(t)
	pub.set(srcFresh, jsonAnswer(2024))
	pub.set(srcLate, jsonAnswer(2023)) // 2024 was due by 30 June 2025
	secret := []byte("test-secret")
	rc := newReceiver(t, secret)
	c := &clock{}
	opt := liveOptions(t, pub, c, srcFresh, srcLate)
	m := &Monitor{Policy: testPolicy(t), Now: c.Now, Backoff: time.Millisecond,
		Sinks: []Sink{&WebhookSink{URL: rc.srv.URL, Secret: secret}}}

	// Monday 4 August 2025: past 30 June plus 30 days' grace.
	ev := refreshAt(t, m, opt, c, "2025-08-04T10:00:00Z")
	if j := stateOf(ev, srcLate); j.State != Stale || !strings.Contains(j.Reason, "newest period 2023-12-31") ||
		!strings.Contains(j.Reason, "due by 2025-06-30") {
		t.Errorf("late source: %s: %s", j.State, j.Reason)
	}
	if j := stateOf(ev, srcFresh); j.State != OK {
		t.Errorf("fresh source: %s: %s", j.State, j.Reason)
	}
	if got := rc.events(); !slices.Equal(got, []string{"opened stale is-test-late"}) {
		t.Fatalf("after the first run the receiver has %v", got)
	}
	// The next day: the same state, no new message.
	refreshAt(t, m, opt, c, "2025-08-05T10:00:00Z")
	if rc.count() != 1 {
		t.Errorf("a second run sent %d messages: alert storm", rc.count()-1)
	}
	// The Monday after, past 08:00: the digest repeats it.
	refreshAt(t, m, opt, c, "2025-08-11T09:00:00Z")
	// The publisher catches up.
	pub.set(srcLate, jsonAnswer(2024))
	refreshAt(t, m, opt, c, "2025-08-12T10:00:00Z")
	want := []string{"opened stale is-test-late", "repeated stale is-test-late", "resolved stale is-test-late"}
	if got := rc.events(); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}

	db := openRO(t, opt.Warehouse)
	alerts := queryRows(t, db, `select alert_id, state, kind, first_seen, last_seen, resolved_at, last_notified_at from alerts`)
	wantAlert := "is-test-late:stale:20250804T100000.000Z resolved stale 2025-08-04T10:00:00Z 2025-08-11T09:00:00Z " +
		"2025-08-12T10:00:00Z 2025-08-12T10:00:00Z"
	if len(alerts) != 1 || alerts[0] != wantAlert {
		t.Errorf("alerts table:\n%v\nwant\n%s", alerts, wantAlert)
	}
	states := queryRows(t, db, `select state, judged_at, newest_period, expected_period, due_by from source_states
		where source_id = ? order by judged_at`, srcLate.ID)
	if len(states) != 4 || !strings.HasPrefix(states[0], "stale 2025-08-04T10:00:00Z 2023-12-31") ||
		!strings.Contains(states[0], "2024-12-31T00:00:00Z 2025-06-30") || !strings.HasPrefix(states[3], "ok 2025-08-12") {
		t.Errorf("source_states of the late source:\n%s", strings.Join(states, "\n"))
	}
}

func TestFailingBrokenAndDeadLink(t *testing.T) {
	pub := newPublisher(t)
	pub.set(srcFlaky, jsonAnswer(2024))
	pub.set(srcDrift, jsonAnswer(2024))
	pub.set(srcStatement, htmlAnswer(200, statementPage))
	rc := newReceiver(t, nil)
	c := &clock{}
	opt := liveOptions(t, pub, c, srcFlaky, srcDrift, srcStatement)
	m := &Monitor{Policy: testPolicy(t), Now: c.Now, Backoff: time.Millisecond, Sinks: []Sink{&WebhookSink{URL: rc.srv.URL}}}
	ev := refreshAt(t, m, opt, c, "2025-08-04T10:00:00Z")
	for _, j := range ev.Judgements {
		if j.State != OK {
			t.Fatalf("first run: %s is %s: %s", j.SourceID, j.State, j.Reason)
		}
	}

	// The table server errs, the other table turns into an error page with
	// status 200, and the statement's page is gone.
	pub.set(srcFlaky, htmlAnswer(503, "busy"))
	pub.set(srcDrift, htmlAnswer(200, "<!DOCTYPE html><html><body>We moved our data portal!</body></html>"))
	pub.set(srcStatement, htmlAnswer(404, "<html><body>Not found</body></html>"))
	ev = refreshAt(t, m, opt, c, "2025-08-05T10:00:00Z")
	if j := stateOf(ev, srcFlaky); j.State != OK || !strings.Contains(j.Reason, "1 in a row") {
		t.Errorf("one failed fetch (failing after 2): %s: %s", j.State, j.Reason)
	}
	if j := stateOf(ev, srcDrift); j.State != Broken || !strings.Contains(j.Reason, "HTML") {
		t.Errorf("drift: %s: %s", j.State, j.Reason)
	}
	if j := stateOf(ev, srcStatement); j.State != DeadLink || !strings.Contains(j.Reason, "404") {
		t.Errorf("statement: %s: %s", j.State, j.Reason)
	}
	ev = refreshAt(t, m, opt, c, "2025-08-06T10:00:00Z")
	if j := stateOf(ev, srcFlaky); j.State != Failing || j.ConsecutiveFailures != 2 {
		t.Errorf("two failed fetches: %s (%d): %s", j.State, j.ConsecutiveFailures, j.Reason)
	}
	pub.set(srcFlaky, jsonAnswer(2024))
	refreshAt(t, m, opt, c, "2025-08-07T10:00:00Z")
	want := []string{"opened broken is-test-drift", "opened dead-link is-test-statement", "opened failing is-test-flaky",
		"resolved failing is-test-flaky"}
	if got := rc.events(); !slices.Equal(got, want) {
		t.Errorf("events:\n%v\nwant\n%v", got, want)
	}
	// The dead link keeps its figure, and the estimate still counts it.
	db := openRO(t, opt.Warehouse)
	if got := queryRows(t, db, `select value from observations_current where source_id = ?`, srcStatement.ID); len(got) != 1 || got[0] != "1234" {
		t.Errorf("the statement's figure after its page died: %v", got)
	}
	if got := queryRows(t, db, `select state from source_states s join runs r using (run_id)
		where source_id = ? order by r.started_at`, srcStatement.ID); !slices.Equal(got, []string{"ok", "dead-link", "dead-link", "dead-link"}) {
		t.Errorf("statement states %v", got)
	}
}

// "Not done until": an old archive replayed offline raises stale alerts for
// exactly the sources whose newest period was overdue on the day each was
// fetched, whatever the day of the replay, and a webhook receives them.
func TestAnOldArchiveIsJudgedAsOfTheDayItWasFetched(t *testing.T) {
	type rec = struct {
		a  answer
		at time.Time
	}
	// Annual tables, 30 days' grace; the comments give the period due when
	// each was fetched.
	dir := writeArchive(t, map[*extractors.Source]rec{
		srcFresh:     {jsonAnswer(2024), instant("2025-08-20T09:00:00Z")},               // 2024 due 2025-06-30: has it
		srcLate:      {jsonAnswer(2023), instant("2025-08-20T09:00:00Z")},               // 2024 due 2025-06-30: lacks it
		srcSlow:      {jsonAnswer(2023), instant("2025-12-15T09:00:00Z")},               // 10-month lag: 2024 due 2025-10-31: lacks it
		srcEarly:     {jsonAnswer(2023), instant("2025-03-01T09:00:00Z")},               // 2023 due 2024-06-30: has it
		srcStatement: {htmlAnswer(200, statementPage), instant("2024-03-05T09:00:00Z")}, // no calendar
	})
	secret := []byte("s3cret")
	rc := newReceiver(t, secret)
	c := &clock{t: instant("2031-01-01T00:00:00Z")} // replayed years later: everything would be overdue now
	opt := offlineOptions(t, dir, c, srcFresh, srcLate, srcSlow, srcEarly, srcStatement)
	m := &Monitor{Policy: testPolicy(t), Now: c.Now, Sinks: []Sink{&WebhookSink{URL: rc.srv.URL, Secret: secret}}}
	_, ev, err := m.Refresh(context.Background(), opt.Sources, refresher(opt))
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for _, j := range ev.Judgements {
		if j.State == Stale {
			stale = append(stale, j.SourceID)
		}
	}
	slices.Sort(stale)
	if want := []string{srcLate.ID, srcSlow.ID}; !slices.Equal(stale, want) {
		t.Errorf("stale %v, want %v", stale, want)
	}
	if got, want := rc.events(), []string{"opened stale " + srcLate.ID, "opened stale " + srcSlow.ID}; !slices.Equal(sorted(got), want) {
		t.Errorf("the webhook received %v, want %v", got, want)
	}
	for _, b := range rc.batches {
		for _, n := range b.Alerts {
			if n.SourceID == srcSlow.ID && (n.FirstSeen.Format(time.DateOnly) != "2025-12-15" || n.DueBy != "2025-10-31" ||
				n.ExpectedPeriod != "2024-12-31" || n.NewestPeriod != "2023-12-31") {
				t.Errorf("slow source's alert as received: %+v", n)
			}
		}
	}
	// Replayed today instead, the same archive makes every table stale:
	// proof the judgement above used the fetch days, not the clock.
	for _, s := range []*extractors.Source{srcFresh, srcEarly} {
		if j := Judge(s, s.Destination, Facts{Attempted: true, LastStatus: "ok", LastSuccess: c.Now(), NewestPeriod: day("2024-12-31")},
			c.Now(), m.Policy); j.State != Stale {
			t.Fatalf("%s judged on the replay day is %s", s.ID, j.State)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// A source whose credential is no longer set is skipped, and skipped is
// not failed: run after run it is judged not-configured, never
// failing, and never stale even when its newest period is long overdue; no
// alert opens.
func TestANotConfiguredSourceIsNeitherFailingNorStale(t *testing.T) {
	keyed := annual("is-test-keyed", 6)
	keyed.Credentials = []extractors.Credential{{Name: "key", Env: "IS_TEST_KEY"}}
	keyed.Requests = []extractors.Request{{URL: testHost + "/data/is-test-keyed.json", Header: map[string]string{"X-Key": "{key}"}}}
	pub := newPublisher(t)
	pub.set(keyed, jsonAnswer(2024))
	rc := newReceiver(t, nil)
	c := &clock{}
	opt := liveOptions(t, pub, c, keyed)
	key := "k-1"
	opt.Getenv = func(v string) string {
		if v == "IS_TEST_KEY" {
			return key
		}
		return ""
	}
	m := &Monitor{Policy: testPolicy(t), Now: c.Now, Backoff: time.Millisecond, Sinks: []Sink{&WebhookSink{URL: rc.srv.URL}}}
	if j := stateOf(refreshAt(t, m, opt, c, "2025-08-04T10:00:00Z"), keyed); j.State != OK {
		t.Fatalf("with its key: %s: %s", j.State, j.Reason)
	}
	key = ""
	for _, at := range []string{"2025-08-05T10:00:00Z", "2025-08-06T10:00:00Z", "2027-03-01T10:00:00Z"} {
		j := stateOf(refreshAt(t, m, opt, c, at), keyed)
		if j.State != NotConfigured || !strings.Contains(j.Reason, "not configured") || !strings.Contains(j.Reason, "IS_TEST_KEY") {
			t.Errorf("%s without its key: %s: %s", at, j.State, j.Reason)
		}
	}
	if got := rc.events(); len(got) != 0 {
		t.Errorf("alerts for a source nobody could ask: %v", got)
	}
	db := openRO(t, opt.Warehouse)
	if got := queryRows(t, db, `select s.status from run_sources s join runs r using (run_id) where source_id = ? order by r.started_at`,
		keyed.ID); !slices.Equal(got, []string{"ok", "not_configured", "not_configured", "not_configured"}) {
		t.Errorf("run_sources %v", got)
	}
}
