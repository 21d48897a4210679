package load

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Values of the warehouse's enumerated columns (the CHECK constraints of
// migrations/0001_init.sql).
const (
	ModeLive    = "live"    // runs.mode: fetched over the network
	ModeOffline = "offline" // runs.mode: replayed from an archive

	RunOK      = "ok"      // runs.status: every attempted source loaded or was unchanged
	RunPartial = "partial" // runs.status: some sources failed
	RunFailed  = "failed"  // runs.status: no source loaded

	SourceOK        = "ok"        // run_sources.status
	SourceUnchanged = "unchanged" // run_sources.status
	SourceFailed    = "failed"    // run_sources.status
	// SourceNotConfigured: a live run lacked a credential the source needs.
	SourceNotConfigured = "not_configured" // run_sources.status
	// SourceNotArchived: an offline replay's archive has no answer for it.
	SourceNotArchived = "not_archived" // run_sources.status
	// SourceAbsent: the source's answer loaded, but no longer holds figures
	// for a destination an earlier answer held (a series, not a source).
	SourceAbsent = "absent" // run_sources.status

	StageFetch = "fetch" // run_sources.stage
	StageParse = "parse" // run_sources.stage
	StageMap   = "map"   // run_sources.stage
	StageLoad  = "load"  // run_sources.stage

	OutcomePass = "pass" // quality_checks.outcome
	OutcomeWarn = "warn" // quality_checks.outcome
	OutcomeFail = "fail" // quality_checks.outcome

	AlertOpen     = "open"     // alerts.state
	AlertResolved = "resolved" // alerts.state
)

// Run is one refresh: the row Publish writes to runs. Publish reads it after
// build returns, so Status and the counts may be filled in while building.
type Run struct {
	ID               string
	StartedAt        time.Time
	FinishedAt       time.Time // Publish sets it when zero
	Mode             string    // ModeLive or ModeOffline
	Archive          string    // archive written (live) or replayed (offline)
	Sample           bool      // data from the sample archive
	Origin           string    // citizenship estimated for (RU)
	WindowStart      time.Time // 2022-01-01 by default
	Status           string    // RunOK, RunPartial or RunFailed
	SourcesAttempted int
	SourcesLoaded    int
	SourcesFailed    int
	SourcesUnchanged int
	EmigreVersion    string
	// CatalogueDigest identifies the catalogue rows (sources, gaps) the
	// run wrote; Publish records it (run_log.catalogue_digest) so that a
	// later run with the same catalogue may leave the warehouse alone.
	CatalogueDigest string
}

// validateIdentity checks what must be known before a run is built.
func (r Run) validateIdentity() error {
	switch {
	case r.ID == "":
		return invalid("run without id")
	case r.StartedAt.IsZero():
		return invalid("run %s: no start time", r.ID)
	case r.Mode != ModeLive && r.Mode != ModeOffline:
		return invalid("run %s: mode %q is neither %q nor %q", r.ID, r.Mode, ModeLive, ModeOffline)
	case r.Origin == "":
		return invalid("run %s: no origin", r.ID)
	case r.WindowStart.IsZero():
		return invalid("run %s: no window start", r.ID)
	}
	return nil
}

// validate checks the whole row.
func (r Run) validate() error {
	if err := r.validateIdentity(); err != nil {
		return err
	}
	switch {
	case r.Status != RunOK && r.Status != RunPartial && r.Status != RunFailed:
		return invalid("run %s: status %q is not %q, %q or %q", r.ID, r.Status, RunOK, RunPartial, RunFailed)
	case r.SourcesAttempted < 0 || r.SourcesLoaded < 0 || r.SourcesFailed < 0 || r.SourcesUnchanged < 0:
		return invalid("run %s: negative source count", r.ID)
	}
	return nil
}

// InsertRun writes the run's row. Publish calls it after build; use it
// directly only with Update.
func InsertRun(ctx context.Context, tx *Tx, run Run) error {
	if err := run.validate(); err != nil {
		return err
	}
	// Through the Appender, which names the table itself: in a run log's
	// transaction (LogRun) "runs" is a view over the warehouse's and the
	// log's rows.
	err := tx.appendRows(ctx, "", "runs", []string{"run_id", "started_at", "finished_at", "mode", "archive", "sample",
		"origin", "window_start", "status", "sources_attempted", "sources_loaded", "sources_failed",
		"sources_unchanged", "emigre_version"}, [][]driver.Value{{
		run.ID, run.StartedAt.UTC(), nullTime(run.FinishedAt), run.Mode, nullString(run.Archive),
		run.Sample, run.Origin, date(run.WindowStart), run.Status, int64(run.SourcesAttempted),
		int64(run.SourcesLoaded), int64(run.SourcesFailed), int64(run.SourcesUnchanged), nullString(run.EmigreVersion)}})
	if err != nil {
		return fmt.Errorf("insert run %s: %w", run.ID, err)
	}
	return updateSeriesHealth(ctx, tx, run.ID)
}

// updateSeriesHealth folds run runID's run_sources rows into
// series_health: the latest attempt of each series it attempted (unless a
// later run's is there already), its last success, its failures in a row.
// Call it once the run's rows and its runs row are written.
func updateSeriesHealth(ctx context.Context, tx *Tx, runID string) error {
	// The tables, not the views of them: a run log overlays these with
	// temporary views of the warehouse's rows and its own, and the run's
	// rows are its own; series_health is its own copy, written here.
	own := func(table string) string {
		if tx.catalog == "" {
			return table
		}
		return `"` + strings.ReplaceAll(tx.catalog, `"`, `""`) + `".main.` + table
	}
	_, err := tx.ExecContext(ctx, `
		MERGE INTO `+own("series_health")+` AS h
		USING (
			SELECT
				rs.source_id,
				coalesce(rs.destination, s.destination) AS destination,
				rs.status, rs.stage, rs.http_status, rs.error, rs.rows, rs.duration_ms,
				rs.bytes, -- the whole answer's, on each of its destinations' rows
				r.run_id, r.started_at, coalesce(r.finished_at, r.started_at) AS success_at, r.sample, r.mode,
				rs.status IN ('ok', 'unchanged') AS success
			FROM `+own("run_sources")+` AS rs
			JOIN `+own("runs")+` AS r ON r.run_id = rs.run_id
			LEFT JOIN sources AS s ON s.id = rs.source_id
			-- One row per series: InsertRunSources takes a run's rows at
			-- once and refuses a series twice. (Making sure here, with a
			-- window, cost a logged run more than the rest of the MERGE.)
			WHERE rs.run_id = $1
		) AS a
		ON h.source_id = a.source_id AND h.destination IS NOT DISTINCT FROM a.destination
		WHEN MATCHED THEN UPDATE SET
			-- A run recorded out of order (older than the latest attempt)
			-- changes neither the latest attempt nor the failures in a row.
			last_run_id      = CASE WHEN a.started_at >= h.last_run_at THEN a.run_id ELSE h.last_run_id END,
			last_status      = CASE WHEN a.started_at >= h.last_run_at THEN a.status ELSE h.last_status END,
			last_stage       = CASE WHEN a.started_at >= h.last_run_at THEN a.stage ELSE h.last_stage END,
			last_http_status = CASE WHEN a.started_at >= h.last_run_at THEN a.http_status ELSE h.last_http_status END,
			last_error       = CASE WHEN a.started_at >= h.last_run_at THEN a.error ELSE h.last_error END,
			last_rows        = CASE WHEN a.started_at >= h.last_run_at THEN a.rows ELSE h.last_rows END,
			last_duration_ms = CASE WHEN a.started_at >= h.last_run_at THEN a.duration_ms ELSE h.last_duration_ms END,
			last_sample      = CASE WHEN a.started_at >= h.last_run_at THEN a.sample ELSE h.last_sample END,
			last_bytes       = CASE WHEN a.started_at >= h.last_run_at THEN a.bytes ELSE h.last_bytes END,
			last_mode        = CASE WHEN a.started_at >= h.last_run_at THEN a.mode ELSE h.last_mode END,
			last_success_started_at = CASE WHEN a.success THEN greatest(h.last_success_started_at, a.started_at)
				ELSE h.last_success_started_at END,
			last_success_at  = CASE WHEN a.success THEN greatest(h.last_success_at, a.success_at) ELSE h.last_success_at END,
			consecutive_failures = CASE
				WHEN a.started_at < h.last_run_at THEN h.consecutive_failures
				WHEN a.status = 'failed' THEN h.consecutive_failures + 1
				WHEN a.success THEN 0
				ELSE h.consecutive_failures END,
			last_run_at      = greatest(h.last_run_at, a.started_at)
		WHEN NOT MATCHED THEN INSERT VALUES (a.source_id, a.destination, a.run_id, a.started_at, a.status,
			a.stage, a.http_status, a.error, a.rows, a.duration_ms, a.sample,
			CASE WHEN a.success THEN a.started_at END, CASE WHEN a.success THEN a.success_at END,
			CASE WHEN a.status = 'failed' THEN 1 ELSE 0 END, a.bytes, a.mode)`, runID)
	if err != nil {
		return fmt.Errorf("update series health of run %s: %w", runID, err)
	}
	return nil
}

// SourceRow is one catalogue entry as stored in sources.
type SourceRow struct {
	ID          string
	Destination string   // "" for a multi-country source
	Covers      []string // the countries a multi-country source covers
	Publisher   string
	Dataset     string
	Title       string
	Homepage    string
	Format      string
	Metric      string // comma-separated when the source carries several
	Cadence     string
	LagMonths   int
	Priority    int
	Licence     string
	Notes       string
	IsStatement bool
	VerifiedHow string // documentation, public client, publisher page, third party, unverified
	// For statements only.
	StatementMeasure     string
	StatementRefDate     time.Time
	StatementSaidOn      time.Time
	StatementSpeaker     string
	StatementQuote       string
	StatementTranslation string
}

// UpsertSources inserts catalogue entries, or updates them when their id is
// already there. Entries absent from rows are kept.
func UpsertSources(ctx context.Context, tx *Tx, rows []SourceRow) error {
	seen := map[string]bool{}
	for _, r := range rows {
		switch {
		case r.ID == "":
			return invalid("source without id")
		case seen[r.ID]:
			return invalid("source %s given twice", r.ID)
		case r.Publisher == "" || r.Title == "" || r.Format == "":
			// Destination may be empty: a multi-country source (UNHCR)
			// names the destination of each observation instead.
			return invalid("source %s: publisher, title and format are required", r.ID)
		}
		seen[r.ID] = true
	}
	if len(rows) == 0 {
		return nil
	}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		var covers driver.Value
		if len(r.Covers) > 0 {
			covers = slices.Clone(r.Covers)
		}
		values = append(values, []driver.Value{r.ID, nullString(r.Destination), r.Publisher, nullString(r.Dataset),
			r.Title, nullString(r.Homepage), r.Format, nullString(r.Metric), nullString(r.Cadence),
			int64(r.LagMonths), int64(r.Priority), nullString(r.Licence), nullString(r.Notes), r.IsStatement,
			nullString(r.StatementMeasure), nullDate(r.StatementRefDate), nullDate(r.StatementSaidOn),
			nullString(r.StatementSpeaker), nullString(r.StatementQuote),
			nullString(r.StatementTranslation), nullString(r.VerifiedHow), covers})
	}
	columns := []string{"id", "destination", "publisher", "dataset", "title", "homepage", "format",
		"metric", "cadence", "lag_months", "priority", "licence", "notes", "is_statement",
		"statement_measure", "statement_ref_date", "statement_said_on", "statement_speaker",
		"statement_quote", "statement_translation", "verified_how", "covers"}
	var set strings.Builder
	for i, c := range columns[1:] {
		if i > 0 {
			set.WriteString(", ")
		}
		set.WriteString(c + " = excluded." + c)
	}
	if err := tx.insertStaged(ctx, "sources", columns, values, "ON CONFLICT (id) DO UPDATE SET "+set.String()); err != nil {
		return fmt.Errorf("upsert sources: %w", err)
	}
	return nil
}

// GapRow is a destination the catalogue has no usable source for.
type GapRow struct {
	Country, Reason, Evidence string
	Checked                   time.Time
}

// ReplaceGaps rewrites the gaps table from the catalogue's register.
func ReplaceGaps(ctx context.Context, tx *Tx, rows []GapRow) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM gaps`); err != nil {
		return fmt.Errorf("clear gaps: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		if r.Country == "" || r.Reason == "" || r.Checked.IsZero() {
			return invalid("gap %q: country, reason and date checked are required", r.Country)
		}
		values = append(values, []driver.Value{r.Country, r.Reason, r.Evidence, date(r.Checked)})
	}
	if err := tx.insertStaged(ctx, "gaps", []string{"country", "reason", "evidence", "checked"}, values, ""); err != nil {
		return fmt.Errorf("insert gaps: %w", err)
	}
	return nil
}

// RunSourceRow is what happened to one series in a run: one source's
// figures for one destination (the source's own, or one of a
// multi-country source's answer).
type RunSourceRow struct {
	SourceID string
	// Destination is the series' destination; "" for a multi-country
	// source not read, none of whose destinations is known yet.
	Destination string
	Status      string // SourceOK, SourceUnchanged, SourceFailed, SourceNotConfigured, SourceNotArchived or SourceAbsent
	Stage       string // StageFetch, StageParse, StageMap, StageLoad; "" when not recorded
	HTTPStatus  int    // 0 when no response
	Bytes       int64
	Rows        int
	Duration    time.Duration
	Error       string
	Merge       *MergeStats // MergeObservations' result; nil when not loaded
}

// InsertRunSources writes the per-series outcomes of run runID.
func InsertRunSources(ctx context.Context, tx *Tx, runID string, rows []RunSourceRow) error {
	if runID == "" {
		return invalid("run_sources without run id")
	}
	// A series once: a source's row without a destination (its own, or
	// none known) is its only row, so that series_health, keyed by the
	// source's destination, gets one row per series (updateSeriesHealth).
	seen := map[string]bool{}
	destinations := map[string]int{}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		if r.SourceID != "" {
			destinations[r.SourceID]++
		}
	}
	for _, r := range rows {
		switch {
		case r.SourceID == "":
			return invalid("run %s: run_sources row without source id", runID)
		case seen[r.SourceID+"/"+r.Destination]:
			return invalid("run %s: source %s given twice for destination %q", runID, r.SourceID, r.Destination)
		case r.Destination == "" && destinations[r.SourceID] > 1:
			return invalid("run %s: source %s given without a destination and with one", runID, r.SourceID)
		case !slices.Contains([]string{SourceOK, SourceUnchanged, SourceFailed, SourceNotConfigured, SourceNotArchived, SourceAbsent}, r.Status):
			return invalid("run %s: source %s: status %q", runID, r.SourceID, r.Status)
		case r.Stage != "" && r.Stage != StageFetch && r.Stage != StageParse && r.Stage != StageMap && r.Stage != StageLoad:
			return invalid("run %s: source %s: stage %q", runID, r.SourceID, r.Stage)
		}
		seen[r.SourceID+"/"+r.Destination] = true
		var inserted, revised, unchanged driver.Value
		if m := r.Merge; m != nil {
			inserted, revised, unchanged = int64(m.Inserted), int64(m.Revised), int64(m.Unchanged)
		}
		var httpStatus driver.Value
		if r.HTTPStatus != 0 {
			httpStatus = int64(r.HTTPStatus)
		}
		values = append(values, []driver.Value{
			runID, r.SourceID, r.Status, nullString(r.Stage), httpStatus, r.Bytes, int64(r.Rows),
			r.Duration.Milliseconds(), nullString(r.Error), inserted, revised, unchanged, nullString(r.Destination),
		})
	}
	return tx.appendRows(ctx, "", "run_sources", []string{
		"run_id", "source_id", "status", "stage", "http_status", "bytes", "rows",
		"duration_ms", "error", "obs_inserted", "obs_revised", "obs_unchanged", "destination",
	}, values)
}

// SnapshotRow describes one archived response.
type SnapshotRow struct {
	SHA256      string // lower-case hex
	SourceID    string
	URL         string
	Method      string // GET when empty
	FetchedAt   time.Time
	Size        int64
	ContentType string
	Provenance  string
	Sample      bool
}

// InsertSnapshots records the archived responses of run runID. A response
// already recorded for its source (same SHA-256) keeps its first record.
func InsertSnapshots(ctx context.Context, tx *Tx, runID string, rows []SnapshotRow) error {
	if runID == "" {
		return invalid("snapshots without run id")
	}
	for _, r := range rows {
		if err := checkSHA256(r.SHA256); err != nil {
			return invalid("snapshot of %s: %v", r.SourceID, err)
		}
		switch {
		case r.SourceID == "":
			return invalid("snapshot %s without source id", r.SHA256)
		case r.URL == "":
			return invalid("snapshot %s of %s without URL", r.SHA256, r.SourceID)
		case r.FetchedAt.IsZero():
			return invalid("snapshot %s of %s without fetch time", r.SHA256, r.SourceID)
		case r.Size < 0:
			return invalid("snapshot %s of %s: negative size", r.SHA256, r.SourceID)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		method := r.Method
		if method == "" {
			method = "GET"
		}
		values = append(values, []driver.Value{r.SHA256, r.SourceID, runID, r.URL, method,
			r.FetchedAt.UTC(), r.Size, nullString(r.ContentType), nullString(r.Provenance), r.Sample})
	}
	columns := []string{"sha256", "source_id", "run_id", "url", "method", "fetched_at", "size",
		"content_type", "provenance", "sample"}
	if err := tx.insertStaged(ctx, "snapshots", columns, values, "ON CONFLICT (sha256, source_id) DO NOTHING"); err != nil {
		return fmt.Errorf("insert snapshots: %w", err)
	}
	return nil
}

// EstimateRow is the chosen estimate for one destination.
type EstimateRow struct {
	Destination  string
	Citizenship  string
	Method       string
	SourceID     string
	Metric       string
	Arrivals     *float64 // nil when the method cannot see arrivals
	Returns      *float64 // nil when the method cannot see returns
	Net          float64
	Low          float64
	High         float64
	AsOf         time.Time
	PeriodStart  time.Time // zero: NULL
	Baseline     *float64
	BaselineDate time.Time // zero: NULL
	Flags        []string
	NetExcess    *float64
	InTotal      bool // measures a change since the window start: counts toward the total
}

// InsertEstimates writes the chosen estimate per destination of run runID.
func InsertEstimates(ctx context.Context, tx *Tx, runID string, rows []EstimateRow) error {
	if runID == "" {
		return invalid("estimates without run id")
	}
	seen := map[string]bool{}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		what := r.Destination + "/" + r.Citizenship
		switch {
		case r.Destination == "" || r.Citizenship == "" || r.Method == "":
			return invalid("estimate %s: destination, citizenship and method are required", what)
		case seen[what]:
			return invalid("estimate %s given twice", what)
		case r.AsOf.IsZero():
			return invalid("estimate %s: no as_of", what)
		case !finite(r.Net, r.Low, r.High) || !finitePtr(r.Arrivals, r.Returns, r.Baseline, r.NetExcess):
			return invalid("estimate %s: a figure is not a finite number", what)
		case r.Low > r.Net || r.Net > r.High:
			return invalid("estimate %s: net %v is outside [low %v, high %v]", what, r.Net, r.Low, r.High)
		}
		seen[what] = true
		values = append(values, []driver.Value{
			runID, r.Destination, r.Citizenship, r.Method, nullString(r.SourceID),
			nullString(r.Metric), nullFloat(r.Arrivals), nullFloat(r.Returns), r.Net, r.Low, r.High,
			date(r.AsOf), nullDate(r.PeriodStart), nullFloat(r.Baseline), nullDate(r.BaselineDate),
			flagList(r.Flags), nullFloat(r.NetExcess), r.InTotal,
		})
	}
	return tx.appendRows(ctx, "", "estimates", []string{
		"run_id", "destination", "citizenship", "method", "source_id", "metric", "arrivals",
		"returns", "net", "low", "high", "as_of", "period_start", "baseline", "baseline_date",
		"flags", "net_excess", "in_total",
	}, values)
}

// EstimateMethodRow is one method's result for one destination.
type EstimateMethodRow struct {
	Destination string
	Citizenship string
	Method      string
	SourceID    string
	Metric      string
	Arrivals    *float64
	Returns     *float64
	Net         float64
	AsOf        time.Time
	PeriodStart time.Time // zero: NULL
	Flags       []string
	Chosen      bool
	InTotal     bool
}

// InsertEstimateMethods writes every method's result of run runID.
func InsertEstimateMethods(ctx context.Context, tx *Tx, runID string, rows []EstimateMethodRow) error {
	if runID == "" {
		return invalid("estimate methods without run id")
	}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		what := r.Destination + "/" + r.Citizenship + "/" + r.Method
		switch {
		case r.Destination == "" || r.Citizenship == "" || r.Method == "":
			return invalid("estimate method %s: destination, citizenship and method are required", what)
		case r.AsOf.IsZero():
			return invalid("estimate method %s: no as_of", what)
		case !finite(r.Net) || !finitePtr(r.Arrivals, r.Returns):
			return invalid("estimate method %s: a figure is not a finite number", what)
		}
		values = append(values, []driver.Value{
			runID, r.Destination, r.Citizenship, r.Method, nullString(r.SourceID),
			nullString(r.Metric), nullFloat(r.Arrivals), nullFloat(r.Returns), r.Net, date(r.AsOf),
			nullDate(r.PeriodStart), flagList(r.Flags), r.Chosen, r.InTotal,
		})
	}
	return tx.appendRows(ctx, "", "estimate_methods", []string{
		"run_id", "destination", "citizenship", "method", "source_id", "metric", "arrivals",
		"returns", "net", "as_of", "period_start", "flags", "chosen", "in_total",
	}, values)
}

// QualityCheckRow is one data-quality check's outcome.
type QualityCheckRow struct {
	SourceID    string // "" for checks of the run or of a destination
	Destination string // "" unless the check is about a destination
	CheckName   string
	Observed    *float64
	Threshold   *float64
	Outcome     string // OutcomePass, OutcomeWarn or OutcomeFail
	Detail      string
	Sample      bool
}

// InsertQualityChecks writes the checks of run runID.
func InsertQualityChecks(ctx context.Context, tx *Tx, runID string, rows []QualityCheckRow) error {
	if runID == "" {
		return invalid("quality checks without run id")
	}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		switch {
		case r.CheckName == "":
			return invalid("quality check without name")
		case r.Outcome != OutcomePass && r.Outcome != OutcomeWarn && r.Outcome != OutcomeFail:
			return invalid("quality check %s: outcome %q", r.CheckName, r.Outcome)
		case !finitePtr(r.Observed, r.Threshold):
			return invalid("quality check %s: a figure is not a finite number", r.CheckName)
		}
		values = append(values, []driver.Value{
			runID, nullString(r.SourceID), nullString(r.Destination), r.CheckName,
			nullFloat(r.Observed), nullFloat(r.Threshold), r.Outcome, nullString(r.Detail), r.Sample,
		})
	}
	return tx.appendRows(ctx, "", "quality_checks", []string{
		"run_id", "source_id", "destination", "check_name", "observed", "threshold", "outcome",
		"detail", "sample",
	}, values)
}

// SourceStateRow is how a run judged one series (source_states).
type SourceStateRow struct {
	SourceID            string
	Destination         string // "" for a multi-country source as a whole
	State               string
	Reason              string
	JudgedAt            time.Time
	NewestPeriod        time.Time // the dates: zero when none
	ExpectedPeriod      time.Time
	DueBy               time.Time
	ConsecutiveFailures int
}

// InsertSourceStates writes run runID's judgements through the Appender:
// a statement with a placeholder per value cost a logged run more than
// everything else it writes.
func InsertSourceStates(ctx context.Context, tx *Tx, runID string, rows []SourceStateRow) error {
	if runID == "" {
		return invalid("source_states without run id")
	}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		if r.SourceID == "" || r.State == "" || r.Reason == "" || r.JudgedAt.IsZero() {
			return invalid("run %s: source state of %q for %q lacks its source, state, reason or instant", runID, r.SourceID, r.Destination)
		}
		values = append(values, []driver.Value{runID, r.SourceID, r.State, r.Reason, r.JudgedAt.UTC(),
			nullDate(r.NewestPeriod), nullDate(r.ExpectedPeriod), nullDate(r.DueBy), int32(r.ConsecutiveFailures), nullString(r.Destination)})
	}
	if err := tx.appendRows(ctx, "", "source_states", []string{"run_id", "source_id", "state", "reason", "judged_at",
		"newest_period", "expected_period", "due_by", "consecutive_failures", "destination"}, values); err != nil {
		return fmt.Errorf("insert source states of run %s: %w", runID, err)
	}
	return nil
}

// AlertRow is the state of one alert.
type AlertRow struct {
	AlertID        string
	SourceID       string // "" for alerts about the pipeline
	Destination    string // the series' destination; "" for the pipeline or a source as a whole
	State          string // AlertOpen or AlertResolved
	Reason         string
	FirstSeen      time.Time
	LastSeen       time.Time
	ResolvedAt     time.Time // zero while open
	LastNotifiedAt time.Time // zero if never sent
}

// UpsertAlerts writes alerts, replacing the stored state of those whose id
// is already there.
func UpsertAlerts(ctx context.Context, tx *Tx, rows []AlertRow) error {
	seen := map[string]bool{}
	for _, r := range rows {
		switch {
		case r.AlertID == "":
			return invalid("alert without id")
		case seen[r.AlertID]:
			return invalid("alert %s given twice", r.AlertID)
		case r.State != AlertOpen && r.State != AlertResolved:
			return invalid("alert %s: state %q", r.AlertID, r.State)
		case r.Reason == "":
			return invalid("alert %s without reason", r.AlertID)
		case r.FirstSeen.IsZero() || r.LastSeen.IsZero():
			return invalid("alert %s: first and last seen are required", r.AlertID)
		}
		seen[r.AlertID] = true
	}
	if len(rows) == 0 {
		return nil
	}
	// One MERGE from a list per column, "" standing for NULL (the
	// warehouse stores no empty text): a placeholder per value cost four
	// times as much, and a staging table holds memory until the commit.
	lists := make([][]string, 9)
	for _, r := range rows {
		for i, v := range []string{r.AlertID, r.SourceID, r.State, r.Reason, timestamp(r.FirstSeen), timestamp(r.LastSeen),
			timestamp(r.ResolvedAt), timestamp(r.LastNotifiedAt), r.Destination} {
			lists[i] = append(lists[i], v)
		}
	}
	args := make([]any, len(lists))
	for i, l := range lists {
		args[i] = l
	}
	if _, err := tx.ExecContext(ctx, upsertAlerts, args...); err != nil {
		return fmt.Errorf("upsert alerts: %w", err)
	}
	return nil
}

// upsertAlerts takes one list per column, in UpsertAlerts' order.
const upsertAlerts = `
	MERGE INTO alerts AS a
	USING (
		SELECT unnest(?::VARCHAR[])                               AS alert_id,
		       nullif(unnest(?::VARCHAR[]), '')                   AS source_id,
		       unnest(?::VARCHAR[])                               AS state,
		       unnest(?::VARCHAR[])                               AS reason,
		       unnest(?::VARCHAR[])::TIMESTAMPTZ                  AS first_seen,
		       unnest(?::VARCHAR[])::TIMESTAMPTZ                  AS last_seen,
		       nullif(unnest(?::VARCHAR[]), '')::TIMESTAMPTZ      AS resolved_at,
		       nullif(unnest(?::VARCHAR[]), '')::TIMESTAMPTZ      AS last_notified_at,
		       nullif(unnest(?::VARCHAR[]), '')                   AS destination
	) AS s
	ON a.alert_id = s.alert_id
	WHEN MATCHED THEN UPDATE SET
		source_id = s.source_id, state = s.state, reason = s.reason, first_seen = s.first_seen,
		last_seen = s.last_seen, resolved_at = s.resolved_at, last_notified_at = s.last_notified_at,
		destination = s.destination
	WHEN NOT MATCHED THEN INSERT
		(alert_id, source_id, state, reason, first_seen, last_seen, resolved_at, last_notified_at, destination)
		VALUES (s.alert_id, s.source_id, s.state, s.reason, s.first_seen, s.last_seen, s.resolved_at,
		        s.last_notified_at, s.destination)`

// timestamp writes t for a TIMESTAMPTZ cast; "" (NULL) for the zero time.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.999999+00")
}

// nullString maps "" to NULL: the warehouse stores no empty text.
func nullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// date is the calendar date of t (in t's own location) as midnight UTC,
// which DuckDB stores as that DATE whatever the zone.
func date(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// nullDate is date(t), or NULL for the zero time.
func nullDate(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return date(t)
}

// nullTime is t in UTC, or NULL for the zero time.
func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func nullFloat(f *float64) driver.Value {
	if f == nil {
		return nil
	}
	return *f
}

// flagList is a never-NULL VARCHAR[] value.
func flagList(flags []string) []string {
	if flags == nil {
		return []string{}
	}
	return flags
}

func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

func finitePtr(fs ...*float64) bool {
	for _, f := range fs {
		if f != nil && !finite(*f) {
			return false
		}
	}
	return true
}

// checkSHA256 accepts a lower-case hex SHA-256.
func checkSHA256(s string) error {
	if len(s) != 64 || strings.ToLower(s) != s {
		return fmt.Errorf("snapshot hash %q is not a lower-case hex SHA-256", s)
	}
	if _, err := hex.DecodeString(s); err != nil {
		return fmt.Errorf("snapshot hash %q is not a lower-case hex SHA-256", s)
	}
	return nil
}

// insertStaged inserts rows into table with multi-row VALUES statements
// (values as parameters, never in the SQL text), a few hundred rows each.
// A prepared statement per row cost more than the rest of a refresh (the
// profile said so); a temporary staging table costs memory until the run's
// transaction commits (DuckDB keeps a dropped table's storage until then),
// which for the few hundred rows of these tables is most of a refresh's
// footprint. Rows repeating an earlier row's first column pair are kept
// once, so an ON CONFLICT clause never meets the same key twice in one
// command. table, columns and onConflict are this package's constants,
// never data.
func (t *Tx) insertStaged(ctx context.Context, table string, columns []string, rows [][]driver.Value, onConflict string) error {
	type pair struct{ a, b driver.Value }
	seen := map[pair]bool{}
	unique := rows[:0:0]
	for _, r := range rows {
		k := pair{r[0], r[1]}
		if seen[k] {
			continue
		}
		seen[k] = true
		unique = append(unique, r)
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	batch := max(1, 2000/len(columns))
	for start := 0; start < len(unique); start += batch {
		part := unique[start:min(start+batch, len(unique))]
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		args := make([]any, 0, len(part)*len(columns))
		for i, r := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(tuple)
			for _, v := range r {
				args = append(args, v)
			}
		}
		q.WriteString(" " + onConflict)
		if _, err := t.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}
