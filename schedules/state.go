package schedules

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/calendar"
	"github.com/emigre/emigre/internal/seriesstate"
	"github.com/emigre/emigre/load"
)

// State is what a source's latest runs and data say about it.
type State string

// The states, in the order of precedence Judge applies.
const (
	NotConfigured State = "not-configured" // not fetched: a live run lacked a credential it needs
	NotArchived   State = "not-archived"   // not fetched: the replayed archive has no answer for it
	DeadLink      State = "dead-link"      // a statement's page is gone (404 or 410)
	Broken        State = "broken"         // fetched, but the bytes no longer parse
	Failing       State = "failing"        // Policy.FailingAfter runs in a row failed
	Unknown       State = "unknown"        // never succeeded (or never attempted)
	Stale         State = "stale"          // a period due past the grace period is missing
	OK            State = "ok"
)

// States lists every state, bad ones first.
var States = []State{DeadLink, Broken, Failing, Stale, Unknown, NotConfigured, NotArchived, OK}

// Label is the state in words: "not configured" for not-configured.
func (s State) Label() string { return seriesstate.Label(string(s)) }

// CountsText is "190 ok, 31 stale, 6 not archived", as every view says it
// (package internal/seriesstate).
func CountsText(counts map[State]int) string {
	m := make(map[string]int, len(counts))
	for s, n := range counts {
		m[string(s)] += n
	}
	return seriesstate.Counts(m)
}

// skippedState reports whether a state says the run did not ask the
// publisher (not configured, not archived): it neither opens nor resolves
// an alert.
func (s State) skippedState() bool { return s == NotConfigured || s == NotArchived }

// Bad reports whether the state raises an alert.
func (s State) Bad() bool { return s == DeadLink || s == Broken || s == Failing || s == Stale }

// Policy is how states are judged and alerts repeated.
type Policy struct {
	// FailingAfter is how many runs in a row must fail before a source is
	// failing: one failed fetch is weather, three are a broken source.
	FailingAfter int
	// Grace is how long past its due date a period may be missing before
	// the source is stale: publishers are late by days, not by months.
	Grace time.Duration
	// Digest says when an open alert is sent again while it stays open.
	Digest cron.Schedule
}

// Policy defaults.
const (
	DefaultFailingAfter = 3
	DefaultGrace        = 30 * 24 * time.Hour
	DefaultDigest       = "0 8 * * 1" // Mondays 08:00 UTC
)

// DefaultPolicy returns the defaults: failing after 3 runs, 30 days' grace,
// a digest on Mondays at 08:00 UTC.
func DefaultPolicy() Policy {
	d, err := ParseSpec(DefaultDigest)
	if err != nil {
		panic("schedules: default digest: " + err.Error())
	}
	return Policy{FailingAfter: DefaultFailingAfter, Grace: DefaultGrace, Digest: d}
}

// specParser reads the five-field crontab format, the @daily family and an
// optional CRON_TZ= or TZ= prefix.
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec parses a cron spec ("0 6 * * *", "@daily",
// "CRON_TZ=Europe/Berlin 0 6 * * *"). Specs without a zone are in UTC.
func ParseSpec(spec string) (cron.Schedule, error) {
	s := strings.TrimSpace(spec)
	if !strings.HasPrefix(s, "CRON_TZ=") && !strings.HasPrefix(s, "TZ=") {
		s = "CRON_TZ=UTC " + s
	}
	sched, err := specParser.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w", spec, err)
	}
	return sched, nil
}

// SeriesKey names a series: one source's figures for one destination ("" for
// a multi-country source none of whose destinations is known yet).
type SeriesKey struct{ Source, Destination string }

// String is the series in messages: the source, and the destination of a
// source that answers for many countries.
func (k SeriesKey) String() string {
	if k.Destination == "" {
		return k.Source
	}
	return k.Source + " (" + k.Destination + ")"
}

// keyOf is the series of an attempt.
func keyOf(a *Attempt) SeriesKey { return SeriesKey{a.Source.ID, a.Destination} }

// Facts are what the warehouse knows about one series' runs and data.
type Facts struct {
	Attempted           bool // some run attempted the source
	LastRunID           string
	LastAttempt         time.Time // start of the latest run that attempted it
	LastStatus          string    // load.SourceOK, SourceUnchanged, SourceFailed, SourceNotConfigured, SourceNotArchived or SourceAbsent
	LastStage           string    // for a failure: fetch, parse, map or load
	LastHTTPStatus      int
	LastError           string
	LastMode            string // load.ModeLive or ModeOffline
	LastRows            int
	LastBytes           int64
	LastDuration        time.Duration
	LastSuccess         time.Time // zero when it never succeeded
	ConsecutiveFailures int
	NewestPeriod        time.Time // newest period_end with a value; zero when none
}

// querier is what ReadFacts needs: a *sql.DB or a *load.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ReadFacts reads the facts of every series from the tables source_health
// shows them from: the latest attempts (series_health, with the attempt's
// run mode and byte count) and the newest period of the current figures
// (series_observations). Not the view itself, nor runs and run_sources:
// every refresh judges the sources, and those cost more with every run
// kept. The two tables are read as they are and joined here: a few hundred
// rows each, which DuckDB's join and grouping cost a logged run several
// times more to put together than reading them.
func ReadFacts(ctx context.Context, q querier) (map[SeriesKey]Facts, error) {
	out := map[SeriesKey]Facts{}
	if err := readHealth(ctx, q, out); err != nil {
		return nil, err
	}
	if err := readNewestPeriods(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// readHealth adds each series' latest attempt (series_health) to out.
func readHealth(ctx context.Context, q querier, out map[SeriesKey]Facts) error {
	rows, err := q.QueryContext(ctx, `
		SELECT source_id, coalesce(destination, ''), last_run_id, last_run_at, last_status, last_stage,
		       last_http_status, last_error, last_rows, last_duration_ms,
		       last_success_at, consecutive_failures, last_mode, last_bytes
		FROM series_health`)
	if err != nil {
		return fmt.Errorf("read source health: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, dest string
		var runID, status, stage, errText, mode sql.NullString
		var lastRun, success sql.NullTime
		var httpStatus, nrows, durMS, fails, nbytes sql.NullInt64
		if err := rows.Scan(&id, &dest, &runID, &lastRun, &status, &stage, &httpStatus, &errText, &nrows, &durMS,
			&success, &fails, &mode, &nbytes); err != nil {
			return fmt.Errorf("read source health: %w", err)
		}
		out[SeriesKey{id, dest}] = Facts{
			Attempted: runID.Valid, LastRunID: runID.String, LastAttempt: lastRun.Time,
			LastStatus: status.String, LastStage: stage.String, LastHTTPStatus: int(httpStatus.Int64),
			LastError: errText.String, LastMode: mode.String, LastRows: int(nrows.Int64), LastBytes: nbytes.Int64,
			LastDuration: time.Duration(durMS.Int64) * time.Millisecond, LastSuccess: success.Time,
			ConsecutiveFailures: int(fails.Int64),
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read source health: %w", err)
	}
	return nil
}

// readNewestPeriods sets each series' newest period of current figures,
// the latest over its citizenships (series_observations), in out; a series
// with figures and no attempt gets facts of its own.
func readNewestPeriods(ctx context.Context, q querier, out map[SeriesKey]Facts) error {
	rows, err := q.QueryContext(ctx, `SELECT source_id, coalesce(destination, ''), newest_period FROM series_observations`)
	if err != nil {
		return fmt.Errorf("read newest periods: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k SeriesKey
		var newest sql.NullTime
		if err := rows.Scan(&k.Source, &k.Destination, &newest); err != nil {
			return fmt.Errorf("read newest periods: %w", err)
		}
		f := out[k]
		if newest.Valid && newest.Time.After(f.NewestPeriod) {
			f.NewestPeriod = newest.Time
		}
		out[k] = f
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read newest periods: %w", err)
	}
	return nil
}

// Judgement is a series' state at an instant, and why.
type Judgement struct {
	SourceID            string
	Destination         string // the series' destination ("" for a source as a whole)
	State               State
	Reason              string
	At                  time.Time // the instant judged: when the bytes were fetched
	NewestPeriod        time.Time // zero when none
	ExpectedPeriod      time.Time // zero without a calendar
	DueBy               time.Time // when ExpectedPeriod was due
	ConsecutiveFailures int
}

// Judge says which state a series (source s's figures for destination
// dest; "" for a multi-country source as a whole) is in at the instant at,
// from its facts. This is the one definition of the states, stale among
// them: every view shows what it says.
func Judge(s *extractors.Source, dest string, f Facts, at time.Time, p Policy) Judgement {
	cal := calendar.Of(s)
	j := Judgement{SourceID: s.ID, Destination: dest, At: at, NewestPeriod: f.NewestPeriod, ConsecutiveFailures: f.ConsecutiveFailures}
	// A multi-country answer may hold countries the catalogue does not say
	// it covers (UNHCR lists a country of asylum only in the years someone
	// applied there): they are loaded, but no period is due from them.
	uncovered := s.MultiCountry() && dest != "" && len(s.Covers) > 0 && !slices.Contains(s.Covers, dest)
	j.ExpectedPeriod, j.DueBy, _ = cal.Expected(at)
	failed := f.LastStatus == load.SourceFailed
	switch {
	case !f.Attempted:
		j.State, j.Reason = Unknown, "never attempted"
	case skipped(f.LastStatus):
		// A source the run could not fetch (a credential not set, or not
		// in the replayed archive) is neither failing nor stale: its
		// calendar says nothing while nobody asks the publisher.
		j.State, j.Reason = NotConfigured, skipReason(f)
		if f.LastStatus == load.SourceNotArchived {
			j.State = NotArchived
		}
	case failed && s.Statement != nil && f.LastMode == load.ModeLive &&
		(f.LastHTTPStatus == http.StatusNotFound || f.LastHTTPStatus == http.StatusGone):
		// Offline, a 404 means "not in the archive", not "gone".
		j.State = DeadLink
		j.Reason = fmt.Sprintf("the statement's page answers HTTP %d %s; the figure said on %s is kept",
			f.LastHTTPStatus, http.StatusText(f.LastHTTPStatus), s.Statement.SaidOn.Format(time.DateOnly))
	case failed && f.LastStage != load.StageFetch && f.LastStage != "":
		j.State = Broken
		j.Reason = fmt.Sprintf("fetched but no longer reads (%s stage): %s", f.LastStage, shorten(f.LastError))
	case f.LastStatus == load.SourceAbsent:
		// The source answered, without this destination: the publisher
		// stopped publishing it, as a source that stops publishing.
		j.State = Stale
		j.Reason = "stopped publishing: absent from the source's latest answer, which earlier answers held"
		if uncovered {
			j.State, j.Reason = OK, "absent from the source's latest answer; not among the countries it covers (covers), so nothing is due from it"
		}
		if !f.NewestPeriod.IsZero() {
			j.Reason += "; newest period " + f.NewestPeriod.Format(time.DateOnly)
		}
	case failed && f.ConsecutiveFailures >= max(p.FailingAfter, 1):
		j.State = Failing
		j.Reason = fmt.Sprintf("failed %d runs in a row; last: %s", f.ConsecutiveFailures, shorten(f.LastError))
	case f.LastSuccess.IsZero():
		j.State = Unknown
		j.Reason = fmt.Sprintf("never succeeded yet (%d failed attempts; failing after %d): %s",
			f.ConsecutiveFailures, max(p.FailingAfter, 1), shorten(f.LastError))
	default:
		j.State, j.Reason = OK, "publishing on time"
		ref, due, ok := cal.Expected(at.Add(-p.Grace))
		switch {
		case !ok:
			j.Reason = "no publication calendar (" + string(s.Cadence) + ")"
		case uncovered:
			j.ExpectedPeriod, j.DueBy = time.Time{}, time.Time{}
			j.Reason = "not among the countries the source covers (covers): no period is due from it"
			if !f.NewestPeriod.IsZero() {
				j.Reason += "; newest period " + f.NewestPeriod.Format(time.DateOnly)
			}
		case f.NewestPeriod.IsZero():
			j.State = Stale
			j.Reason = fmt.Sprintf("stopped publishing: no figure published; the period of %s was due by %s (grace %s)",
				ref.Format(time.DateOnly), due.Format(time.DateOnly), days(p.Grace))
		case f.NewestPeriod.Before(ref):
			j.State = Stale
			j.Reason = fmt.Sprintf("stopped publishing: newest period %s; the period of %s was due by %s (grace %s)",
				f.NewestPeriod.Format(time.DateOnly), ref.Format(time.DateOnly), due.Format(time.DateOnly), days(p.Grace))
		}
		if failed && j.State == OK {
			j.Reason = fmt.Sprintf("data on time; the last attempt failed (%d in a row, failing after %d): %s",
				f.ConsecutiveFailures, max(p.FailingAfter, 1), shorten(f.LastError))
		}
	}
	return j
}

// skipped reports whether a run left the source out without a failure:
// not configured (a credential is not set) or not archived (an offline
// replay has no answer for it).
func skipped(status string) bool {
	return status == load.SourceNotConfigured || status == load.SourceNotArchived
}

func skipReason(f Facts) string {
	if f.LastError != "" {
		return shorten(f.LastError) // says what to set, or that the archive lacks it
	}
	if f.LastStatus == load.SourceNotArchived {
		return "not in the replayed archive"
	}
	return "not configured"
}

// days renders a grace period.
func days(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	if time.Duration(n)*24*time.Hour != d {
		return d.String()
	}
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// shorten keeps an error message readable in a reason or a chat line.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 300 {
		return string(r[:297]) + "..."
	}
	return s
}
