package schedules

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/calendar"
	"github.com/emigre/emigre/load"
)

// Monitor judges the sources of every run it wraps, keeps their alerts in
// the warehouse, and sends the alerts' events to its sinks once the run is
// published.
type Monitor struct {
	Policy Policy
	// Sinks receive every batch of alert events; the log always does too.
	Sinks []Sink
	// Now is the clock for alert bookkeeping (digests, last notified);
	// time.Now when nil. States are judged at fetch time, not by this clock.
	Now func() time.Time
	// Retries is how many times a failing sink is retried, Backoff the wait
	// before the first retry (doubling after). Defaults: 3 and 2s.
	Retries int
	Backoff time.Duration
	// Version names the emigre build in payloads.
	Version string
}

// Evaluation is what one run judged: every attempted source's state and the
// alert events to send once the run is published.
type Evaluation struct {
	Judgements []Judgement
	Batch      Batch
	// OpenAlerts is how many alerts about series are open once the run is
	// published (this run's and earlier ones').
	OpenAlerts int
}

// Counts tallies the run's judgements by state.
func (e *Evaluation) Counts() map[State]int {
	out := map[State]int{}
	for _, j := range e.Judgements {
		out[j.State]++
	}
	return out
}

// Events tallies the run's alert events: opened, repeated, resolved.
func (e *Evaluation) Events() map[Event]int {
	out := map[Event]int{}
	for _, n := range e.Batch.Alerts {
		out[n.Event]++
	}
	return out
}

// Refresh runs one refresh of sources through refresh, with states and
// alerts judged inside its publishing transaction, then sends the alert
// events. It returns the run as the refresh described it. Sinks are told
// only about a run that was published; a failing sink is logged and
// retried, and never fails the refresh.
func (m *Monitor) Refresh(ctx context.Context, sources []*extractors.Source, refresh Refresher) (Run, *Evaluation, error) {
	var ev *Evaluation
	var judged Run
	err := refresh(ctx, sources, func(ctx context.Context, tx *load.Tx, run Run) error {
		e, err := m.Evaluate(ctx, tx, run)
		if err != nil {
			return fmt.Errorf("judge source states: %w", err)
		}
		ev, judged = e, run
		return nil
	})
	if err != nil {
		return Run{}, nil, err
	}
	if ev == nil {
		return judged, nil, errors.New("the run was published without judging its sources (the refresh did not call judge)")
	}
	// Published: deliver even when the refresh is being stopped, but never
	// hang a shutdown on a dead sink.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	m.Deliver(dctx, ev.Batch)
	return judged, ev, nil
}

// Evaluate judges every source the run attempted, writes the judgements to
// source_states and the alerts' new state to alerts, all in tx, and returns
// the alert events to send once tx is published.
func (m *Monitor) Evaluate(ctx context.Context, tx *load.Tx, run Run) (*Evaluation, error) {
	now := m.now()
	facts, err := ReadFacts(ctx, tx)
	if err != nil {
		return nil, err
	}
	open, err := readOpenAlerts(ctx, tx)
	if err != nil {
		return nil, err
	}
	fallback := runInstant(run)
	ev := &Evaluation{Batch: Batch{Version: PayloadVersion, Generator: "emigre " + m.Version, RunID: run.ID, Sample: run.Sample}}
	var rows []load.AlertRow
	kinds := map[string]State{} // alerts opened by this run
	counts := map[State]int{}
	var subjects []alertSubject
	for i := range run.Sources {
		a := &run.Sources[i]
		if a.Destination == "" && !a.Source.MultiCountry() {
			a.Destination = a.Source.Destination // a one-country source's one series
		}
		f := withOutcome(facts[keyOf(a)], a, run, now)
		j := Judge(a.Source, a.Destination, f, fetchedAt(a, fallback), m.Policy)
		ev.Judgements = append(ev.Judgements, j)
		counts[j.State]++
		subjects = append(subjects, alertSubject{a: a, j: j, f: f})
	}
	for _, sub := range alertSubjects(subjects) {
		if sub.j.State.skippedState() {
			continue // nobody asked the publisher: its alerts stand as they are
		}
		var prev *openAlert
		if o, ok := open[keyOf(sub.a)]; ok {
			prev = &o
		}
		ch := transition(prev, sub.j, alertStem(sub.a), run.ID, now, m.Policy.Digest)
		for _, c := range ch {
			rows = append(rows, c.row)
			if c.opened {
				kinds[c.row.AlertID] = sub.j.State
			}
			if c.event != "" {
				ev.Batch.Alerts = append(ev.Batch.Alerts, notification(c, sub.a, sub.j, sub.f))
			}
		}
	}
	if err := insertStates(ctx, tx, run.ID, ev.Judgements); err != nil {
		return nil, err
	}
	if err := load.UpsertAlerts(ctx, tx, rows); err != nil {
		return nil, err
	}
	for id, kind := range kinds {
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET kind = ? WHERE alert_id = ?`, string(kind), id); err != nil {
			return nil, fmt.Errorf("set kind of alert %s: %w", id, err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerts WHERE state = 'open' AND kind IS NOT NULL`).
		Scan(&ev.OpenAlerts); err != nil {
		return nil, fmt.Errorf("count open alerts: %w", err)
	}
	var parts []any
	for _, s := range States {
		if counts[s] > 0 {
			parts = append(parts, string(s), counts[s])
		}
	}
	slog.InfoContext(ctx, "judged sources", append(parts, "run", run.ID, "alert_events", len(ev.Batch.Alerts))...)
	return ev, nil
}

func (m *Monitor) now() time.Time {
	if m.Now != nil {
		return m.Now().UTC()
	}
	return time.Now().UTC()
}

// withOutcome adds this run's outcome for the source to what the warehouse
// knew before the run. The run's own row is inserted after the judging, so
// source_health does not see the run yet; if it ever does, nothing is
// counted twice.
func withOutcome(f Facts, a *Attempt, run Run, now time.Time) Facts {
	if f.LastRunID == run.ID {
		return f
	}
	failed := a.Err != nil || a.Status == load.SourceFailed
	f.Attempted, f.LastRunID, f.LastAttempt, f.LastMode = true, run.ID, run.Started, run.Mode
	f.LastStatus, f.LastStage, f.LastHTTPStatus, f.LastError = a.Status, a.Stage, a.HTTPStatus, ""
	f.LastRows, f.LastBytes, f.LastDuration = a.Rows, a.Bytes, a.Duration
	if skipped(a.Status) {
		// Not fetched, not failed: the failures and the last success stand.
		if a.Err != nil {
			f.LastError = a.Err.Error()
		}
		return f
	}
	if a.Status == load.SourceAbsent {
		// Answered without this destination: neither a failure nor a
		// success of the series.
		f.ConsecutiveFailures = 0
		return f
	}
	if failed {
		f.LastStatus = load.SourceFailed
		if a.Err != nil {
			f.LastError = a.Err.Error()
		}
		f.ConsecutiveFailures++
	} else {
		f.ConsecutiveFailures, f.LastSuccess = 0, now
	}
	return f
}

// fetchedAt is the instant a source is judged at: when its newest bytes
// were fetched (a replayed archive's own fetched_at), else the run's.
func fetchedAt(a *Attempt, fallback time.Time) time.Time {
	if a.FetchedAt.IsZero() {
		return fallback
	}
	return a.FetchedAt.UTC()
}

// runInstant is when a run's data is from: its newest fetch, or its start
// when nothing was fetched. A source that failed before fetching is judged
// at this instant.
func runInstant(run Run) time.Time {
	var t time.Time
	for i := range run.Sources {
		if f := fetchedAt(&run.Sources[i], time.Time{}); f.After(t) {
			t = f
		}
	}
	if t.IsZero() {
		return run.Started.UTC()
	}
	return t
}

// openAlert is an open alert as stored.
type openAlert struct {
	load.AlertRow
	Kind State
}

// readOpenAlerts returns the open alerts raised from source states, by
// series. Alerts of other kinds (NULL kind) are left alone.
func readOpenAlerts(ctx context.Context, q querier) (map[SeriesKey]openAlert, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT alert_id, source_id, coalesce(destination, ''), kind, reason, first_seen, last_seen, last_notified_at
		FROM alerts
		WHERE state = 'open' AND kind IS NOT NULL AND source_id IS NOT NULL
		ORDER BY first_seen, alert_id`)
	if err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	defer rows.Close()
	out := map[SeriesKey]openAlert{}
	for rows.Next() {
		var a openAlert
		var kind string
		var notified sql.NullTime
		if err := rows.Scan(&a.AlertID, &a.SourceID, &a.Destination, &kind, &a.Reason, &a.FirstSeen, &a.LastSeen, &notified); err != nil {
			return nil, fmt.Errorf("read open alerts: %w", err)
		}
		a.State, a.Kind, a.LastNotifiedAt = load.AlertOpen, State(kind), notified.Time
		out[SeriesKey{a.SourceID, a.Destination}] = a // the newest open alert of a series wins
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	return out, nil
}

// change is one alert row to write and, when event is set, the event to
// send about it.
type change struct {
	row    load.AlertRow
	kind   State
	event  Event
	opened bool
}

// transition decides what a judgement does to a source's open alert: open
// one when the source enters a bad state, repeat it when the digest is due,
// resolve it when the state changes (and open the next if the new state is
// bad too). One event per source per state change: no storms.
func transition(prev *openAlert, j Judgement, stem, runID string, now time.Time, digest cron.Schedule) []change {
	var out []change
	if prev != nil && prev.Kind == j.State {
		row := prev.AlertRow
		row.Reason, row.LastSeen = j.Reason, later(prev.LastSeen, j.At)
		c := change{row: row, kind: prev.Kind}
		if digest != nil && (prev.LastNotifiedAt.IsZero() || !digest.Next(prev.LastNotifiedAt).After(now)) {
			c.event, c.row.LastNotifiedAt = Repeated, now
		}
		return append(out, c)
	}
	if prev != nil {
		row := prev.AlertRow
		row.State, row.ResolvedAt, row.LastNotifiedAt = load.AlertResolved, later(prev.LastSeen, j.At), now
		out = append(out, change{row: row, kind: prev.Kind, event: Resolved})
	}
	if j.State.Bad() {
		out = append(out, change{opened: true, kind: j.State, event: Opened, row: load.AlertRow{
			AlertID: stem + ":" + string(j.State) + ":" + runID, SourceID: j.SourceID, Destination: j.Destination, State: load.AlertOpen,
			Reason: j.Reason, FirstSeen: j.At, LastSeen: j.At, LastNotifiedAt: now,
		}})
	}
	return out
}

// alertSubject is what an alert is about: a series' judgement, or a
// multi-country source's as a whole.
type alertSubject struct {
	a *Attempt
	j Judgement
	f Facts
}

// failure reports whether a state is about the source's request, not about
// one destination's figures: the fetch or the reading failed.
func failure(s State) bool { return s == Failing || s == Broken || s == DeadLink }

// alertSubjects are the subjects of the run's alerts. A one-country source's
// series is its own subject. A source that answers for many countries fails
// or recovers as a whole, one request for all its destinations: its
// failures are one subject (the source, no destination), judged like the
// first series that failed, or ok when the answer was read (which resolves
// a failure alert); its destinations are subjects of their own for what is
// theirs (stale: stopped publishing, absent from the answer), and wait,
// their alerts untouched, while the source fails.
func alertSubjects(series []alertSubject) []alertSubject {
	var out []alertSubject
	whole := map[string]int{} // multi-country source -> its subject in out
	for _, s := range series {
		if !s.a.Source.MultiCountry() || s.a.Destination == "" {
			out = append(out, s)
			continue
		}
		id := s.a.Source.ID
		if failure(s.j.State) {
			if i, ok := whole[id]; !ok || !failure(out[i].j.State) {
				w := s
				a := *s.a
				a.Destination = ""
				w.a, w.j.Destination = &a, ""
				if ok {
					out[i] = w
				} else {
					whole[id] = len(out)
					out = append(out, w)
				}
			}
			continue
		}
		out = append(out, s)
		if _, ok := whole[id]; !ok {
			w := s
			a := *s.a
			a.Destination = ""
			w.a = &a
			w.j.Destination, w.j.State, w.j.Reason = "", OK, "the source's answer was read"
			whole[id] = len(out)
			out = append(out, w)
		}
	}
	return out
}

// alertStem begins the ids of a series' alerts: the source's id, and the
// destination of a source that answers for many countries
// (eurostat-migr_pop1ctz:LV).
func alertStem(a *Attempt) string {
	if a.Source.MultiCountry() && a.Destination != "" {
		return a.Source.ID + ":" + a.Destination
	}
	return a.Source.ID
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// insertStates writes the run's judgements to source_states.
func insertStates(ctx context.Context, tx *load.Tx, runID string, js []Judgement) error {
	rows := make([]load.SourceStateRow, 0, len(js))
	for _, j := range js {
		rows = append(rows, load.SourceStateRow{
			SourceID: j.SourceID, Destination: j.Destination, State: string(j.State), Reason: j.Reason, JudgedAt: j.At,
			NewestPeriod: dayOf(j.NewestPeriod), ExpectedPeriod: dayOf(j.ExpectedPeriod), DueBy: dayOf(j.DueBy),
			ConsecutiveFailures: j.ConsecutiveFailures,
		})
	}
	return load.InsertSourceStates(ctx, tx, runID, rows)
}

// dayOf is t's date in UTC; the zero time stays zero (NULL).
func dayOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return calendar.DayOf(t)
}
