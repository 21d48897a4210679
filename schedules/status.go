package schedules

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
)

// Status is every catalogued series' state, read from a published
// warehouse: what `emigre status` and `emigre sources` print and the
// metrics expose. Its states are those the runs judged and stored
// (source_states), each as of the instant its bytes were fetched, unless
// At is set: then every series is judged anew as of At (a projection:
// what will be overdue by then).
type Status struct {
	At      time.Time // zero: the states as the runs judged them
	LastRun *RunInfo  // nil when no run was published yet
	Sources []SourceStatus
	// JudgedFrom and JudgedTo span the instants the series' states hold
	// for (their fetch times); zero when no series was judged.
	JudgedFrom, JudgedTo time.Time
}

// Counts tallies the series by state.
func (st *Status) Counts() map[State]int {
	out := map[State]int{}
	for _, s := range st.Sources {
		out[s.Judgement.State]++
	}
	return out
}

// RunInfo is the latest published run.
type RunInfo struct {
	ID                                   string
	Started, Finished                    time.Time
	Mode, Status                         string
	Sample                               bool
	Attempted, Loaded, Unchanged, Failed int
	Observations                         int64     // parsed by its sources
	LastSuccess                          time.Time // finish of the newest run that was not failed
}

// SourceStatus is one series at the instant of the Status: one source's
// figures for one destination (a source that answers for many countries
// has one per destination its answers held).
type SourceStatus struct {
	Source      *extractors.Source
	Destination string // the series' destination; "" for a multi-country source none of whose answers was read
	Facts       Facts
	Judgement   Judgement   // its state: as judged (Judged), or at Status.At when set
	Judged      *Judgement  // as the latest run that attempted it judged it (at its fetch time); nil when none did
	OpenAlert   *AlertState // nil when none is open
}

// Label names the series: the source, and the destination of a source
// that answers for many countries ("eurostat-migr_pop1ctz (DE)").
func (s SourceStatus) Label() string {
	if !s.Source.MultiCountry() {
		return s.Source.ID
	}
	return SeriesKey{s.Source.ID, s.Destination}.String()
}

// AlertState is an open alert.
type AlertState struct {
	ID                             string
	Kind                           State
	Reason                         string
	FirstSeen, LastSeen, LastNotif time.Time
}

// ReadStatus reads the state of every series of the catalogue from the
// warehouse (db: the published file, opened read-only): as the runs judged
// them when at is zero, else judged anew as of at by the same rule.
func ReadStatus(ctx context.Context, db *sql.DB, at time.Time, p Policy, catalogue []*extractors.Source) (*Status, error) {
	var migrated bool
	if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_columns()
		WHERE table_name = 'alerts' AND column_name = 'kind'`).Scan(&migrated); err != nil {
		return nil, fmt.Errorf("read status: %w", err)
	}
	if !migrated {
		return nil, errors.New("the warehouse predates source states (migration 0002): publish one refresh with this emigre first")
	}
	facts, err := ReadFacts(ctx, db)
	if err != nil {
		return nil, err
	}
	judged, err := readJudged(ctx, db)
	if err != nil {
		return nil, err
	}
	open, err := readOpenAlerts(ctx, db)
	if err != nil {
		return nil, err
	}
	st := &Status{At: at.UTC()}
	if at.IsZero() {
		st.At = time.Time{}
	}
	if st.LastRun, err = readLastRun(ctx, db); err != nil {
		return nil, err
	}
	for _, s := range catalogue {
		for _, k := range seriesOf(s, facts) {
			ss := SourceStatus{Source: s, Destination: k.Destination, Facts: facts[k]}
			if j, ok := judged[k]; ok {
				ss.Judged = &j
				st.JudgedFrom, st.JudgedTo = earlier(st.JudgedFrom, j.At), later(st.JudgedTo, j.At)
			}
			ss.Judgement = seriesState(ss, st.At, p)
			if a, ok := open[k]; ok {
				ss.OpenAlert = &AlertState{ID: a.AlertID, Kind: a.Kind, Reason: a.Reason, FirstSeen: a.FirstSeen,
					LastSeen: a.LastSeen, LastNotif: a.LastNotifiedAt}
			}
			st.Sources = append(st.Sources, ss)
		}
	}
	return st, nil
}

// seriesState is a series' state: as last judged, or anew as of at when at is
// set (or when no run judged the series: then as of its latest attempt).
func seriesState(ss SourceStatus, at time.Time, p Policy) Judgement {
	if at.IsZero() && ss.Judged != nil {
		return *ss.Judged
	}
	when := at
	if when.IsZero() {
		when = ss.Facts.LastAttempt
	}
	return Judge(ss.Source, ss.Destination, ss.Facts, when, p)
}

func earlier(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// seriesOf are a source's series the warehouse knows, by destination: its
// own for a one-country source, each destination of a multi-country
// source's answers (or the source as a whole before any was read).
func seriesOf(s *extractors.Source, facts map[SeriesKey]Facts) []SeriesKey {
	if !s.MultiCountry() {
		return []SeriesKey{{s.ID, s.Destination}}
	}
	var out []SeriesKey
	for k := range facts {
		if k.Source == s.ID && k.Destination != "" {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return []SeriesKey{{s.ID, ""}}
	}
	slices.SortFunc(out, func(a, b SeriesKey) int { return strings.Compare(a.Destination, b.Destination) })
	return out
}

// readJudged returns each series' newest judgement (source_health's state,
// from source_states).
func readJudged(ctx context.Context, db *sql.DB) (map[SeriesKey]Judgement, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT h.source_id, coalesce(h.destination, ''), h.state, h.state_reason, h.judged_at, h.newest_period,
		       h.expected_period, h.due_by, h.consecutive_failures
		FROM source_health AS h
		WHERE h.state IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("read source states: %w", err)
	}
	defer rows.Close()
	out := map[SeriesKey]Judgement{}
	for rows.Next() {
		var j Judgement
		var state string
		var newest, expected, due sql.NullTime
		if err := rows.Scan(&j.SourceID, &j.Destination, &state, &j.Reason, &j.At, &newest, &expected, &due, &j.ConsecutiveFailures); err != nil {
			return nil, fmt.Errorf("read source states: %w", err)
		}
		j.State, j.NewestPeriod, j.ExpectedPeriod, j.DueBy = State(state), newest.Time, expected.Time, due.Time
		out[SeriesKey{j.SourceID, j.Destination}] = j
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read source states: %w", err)
	}
	return out, nil
}

func readLastRun(ctx context.Context, db *sql.DB) (*RunInfo, error) {
	var r RunInfo
	var finished, success sql.NullTime
	err := db.QueryRowContext(ctx, `
		SELECT r.run_id, r.started_at, r.finished_at, r.mode, r.status, r.sample, r.sources_attempted,
		       r.sources_loaded, r.sources_unchanged, r.sources_failed,
		       (SELECT coalesce(sum(rs.rows), 0) FROM run_sources AS rs WHERE rs.run_id = r.run_id),
		       (SELECT max(coalesce(ok.finished_at, ok.started_at)) FROM runs AS ok WHERE ok.status <> 'failed')
		FROM runs AS r
		ORDER BY r.started_at DESC, r.run_id DESC
		LIMIT 1`).Scan(&r.ID, &r.Started, &finished, &r.Mode, &r.Status, &r.Sample, &r.Attempted, &r.Loaded,
		&r.Unchanged, &r.Failed, &r.Observations, &success)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the latest run: %w", err)
	}
	r.Finished, r.LastSuccess = finished.Time, success.Time
	return &r, nil
}

// MarshalJSON writes a source's status for `emigre status --json`: dates
// as YYYY-MM-DD, instants as RFC 3339, absent values as null.
func (s SourceStatus) MarshalJSON() ([]byte, error) {
	type alert struct {
		ID           string     `json:"id"`
		Kind         State      `json:"kind"`
		Reason       string     `json:"reason"`
		FirstSeen    time.Time  `json:"first_seen"`
		LastSeen     time.Time  `json:"last_seen"`
		LastNotified *time.Time `json:"last_notified,omitempty"`
	}
	type judged struct {
		State  State     `json:"state"`
		Reason string    `json:"reason"`
		At     time.Time `json:"judged_at"`
	}
	out := struct {
		SourceID            string     `json:"source_id"`
		Destination         string     `json:"destination"`
		Cadence             string     `json:"cadence"`
		LagMonths           int        `json:"lag_months"`
		State               State      `json:"state"`
		Reason              string     `json:"reason"`
		JudgedAt            *time.Time `json:"judged_at"`
		LastAttempt         *time.Time `json:"last_attempt"`
		LastStatus          *string    `json:"last_status"`
		LastSuccess         *time.Time `json:"last_success"`
		ConsecutiveFailures int        `json:"consecutive_failures"`
		NewestPeriod        *string    `json:"newest_period"`
		ExpectedPeriod      *string    `json:"expected_period"`
		DueBy               *string    `json:"due_by"`
		LastJudged          *judged    `json:"last_judged"`
		OpenAlert           *alert     `json:"open_alert"`
	}{
		SourceID: s.Source.ID, Destination: s.Destination, Cadence: string(s.Source.Cadence),
		LagMonths: s.Source.LagMonths, State: s.Judgement.State, Reason: s.Judgement.Reason,
		JudgedAt: instantPtr(s.Judgement.At), LastAttempt: instantPtr(s.Facts.LastAttempt), LastSuccess: instantPtr(s.Facts.LastSuccess),
		ConsecutiveFailures: s.Facts.ConsecutiveFailures, NewestPeriod: datePtr(s.Facts.NewestPeriod),
		ExpectedPeriod: datePtr(s.Judgement.ExpectedPeriod), DueBy: datePtr(s.Judgement.DueBy),
	}
	if s.Facts.LastStatus != "" {
		out.LastStatus = &s.Facts.LastStatus
	}
	if j := s.Judged; j != nil {
		out.LastJudged = &judged{State: j.State, Reason: j.Reason, At: j.At.UTC()}
	}
	if a := s.OpenAlert; a != nil {
		out.OpenAlert = &alert{ID: a.ID, Kind: a.Kind, Reason: a.Reason, FirstSeen: a.FirstSeen.UTC(),
			LastSeen: a.LastSeen.UTC(), LastNotified: instantPtr(a.LastNotif)}
	}
	return json.Marshal(out)
}

func instantPtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func datePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// MarshalJSON writes the status for `emigre status --json`.
func (s *Status) MarshalJSON() ([]byte, error) {
	type run struct {
		ID           string     `json:"run_id"`
		Started      time.Time  `json:"started_at"`
		Finished     *time.Time `json:"finished_at"`
		Mode         string     `json:"mode"`
		Status       string     `json:"status"`
		Sample       bool       `json:"sample"`
		Attempted    int        `json:"sources_attempted"`
		Loaded       int        `json:"sources_loaded"`
		Unchanged    int        `json:"sources_unchanged"`
		Failed       int        `json:"sources_failed"`
		Observations int64      `json:"observations"`
		LastSuccess  *time.Time `json:"last_success_at"`
	}
	out := struct {
		// At is the instant every series was judged anew as of (--at);
		// null when the states are as the runs judged them, each as of its
		// own fetch time, between JudgedFrom and JudgedTo.
		At         *time.Time     `json:"at"`
		JudgedFrom *time.Time     `json:"judged_from"`
		JudgedTo   *time.Time     `json:"judged_to"`
		Counts     map[State]int  `json:"counts"`
		LastRun    *run           `json:"last_run"`
		Sources    []SourceStatus `json:"sources"`
	}{At: instantPtr(s.At), JudgedFrom: instantPtr(s.JudgedFrom), JudgedTo: instantPtr(s.JudgedTo),
		Counts: s.Counts(), Sources: s.Sources}
	if r := s.LastRun; r != nil {
		out.LastRun = &run{ID: r.ID, Started: r.Started.UTC(), Finished: instantPtr(r.Finished), Mode: r.Mode,
			Status: r.Status, Sample: r.Sample, Attempted: r.Attempted, Loaded: r.Loaded, Unchanged: r.Unchanged,
			Failed: r.Failed, Observations: r.Observations, LastSuccess: instantPtr(r.LastSuccess)}
	}
	if out.Sources == nil {
		out.Sources = []SourceStatus{}
	}
	return json.Marshal(out)
}
