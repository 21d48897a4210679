package report

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/emigre/emigre/internal/numfmt"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/report/svg"
)

// Dashboard serves the published warehouse read-only: an overview, the
// sources, one source's history and snapshots, the latest report, and
// /healthz, /metrics and /api/estimates. Every request opens the published
// file read-only and closes it, so a refresh that publishes meanwhile is
// seen by the next request and never blocked.
type Dashboard struct {
	warehouse string
	opt       Options
	mu        sync.Mutex // one reader at a time: DuckDB shares an instance per path within a process
	mux       *http.ServeMux
	nav       []Link
}

// NewDashboard returns the dashboard of the warehouse file. opt configures
// the reports it builds (RunID is ignored: pages show the latest run of
// opt.Origin, or of ?origin=CC).
// metrics serves /metrics; it is the caller's because the Prometheus
// collector over the warehouse lives with the schedules (nil: no /metrics).
func NewDashboard(warehouse string, opt Options, metrics http.Handler) *Dashboard {
	opt.RunID = ""
	d := &Dashboard{warehouse: warehouse, opt: opt, mux: http.NewServeMux(),
		nav: []Link{{"/", "Overview"}, {"/sources", "Sources"}, {"/report", "Latest report"}, {"/api/estimates", "Estimates (JSON)"}}}
	d.mux.HandleFunc("GET /{$}", d.page(d.overview))
	d.mux.HandleFunc("GET /sources", d.page(d.sources))
	d.mux.HandleFunc("GET /sources/{id}", d.page(d.source))
	d.mux.HandleFunc("GET /report", d.report("html"))
	d.mux.HandleFunc("GET /report.json", d.report("json"))
	d.mux.HandleFunc("GET /report.md", d.report("md"))
	d.mux.HandleFunc("GET /api/estimates", d.estimates)
	d.mux.HandleFunc("GET /healthz", d.healthz)
	if metrics != nil {
		d.mux.Handle("GET /metrics", metrics)
		d.nav = append(d.nav, Link{"/metrics", "Metrics"})
	}
	return d
}

func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.mux.ServeHTTP(w, r) }

// withDB runs fn on the published warehouse opened read-only.
func (d *Dashboard) withDB(ctx context.Context, fn func(db *sql.DB) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	db, err := load.OpenReadOnly(ctx, d.warehouse)
	if err != nil {
		return err
	}
	return errors.Join(fn(db), db.Close())
}

// fail answers an error: 404 for a missing thing, 503 when there is no
// warehouse or run yet, 500 otherwise.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	var nf notFound
	switch {
	case errors.As(err, &nf):
		status = http.StatusNotFound
	case errors.Is(err, ErrNoRun) || strings.Contains(err.Error(), "no such file"):
		status = http.StatusServiceUnavailable
	}
	if status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "dashboard request failed", "path", r.URL.Path, "error", err)
	}
	http.Error(w, err.Error(), status)
}

type notFound struct{ what string }

func (e notFound) Error() string { return e.what + " not found" }

// page serves an HTML page whose body fn renders.
func (d *Dashboard) page(fn func(ctx context.Context, db *sql.DB, r *http.Request) (Page, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var p Page
		err := d.withDB(r.Context(), func(db *sql.DB) error {
			var err error
			p, err = fn(r.Context(), db, r)
			return err
		})
		if err != nil {
			fail(w, r, err)
			return
		}
		p.Nav = d.nav
		var b bytes.Buffer
		if err := WritePage(&b, p); err != nil {
			fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(b.Bytes())
	}
}

func render(name string, data any) (template.HTML, error) {
	var b strings.Builder
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return template.HTML(b.String()), nil
}

// options are the report options of a request: the dashboard's, with the
// origin of ?origin=CC when given (the configured origin otherwise).
func (d *Dashboard) options(r *http.Request) Options {
	opt := d.opt
	if o := r.URL.Query().Get("origin"); o != "" {
		opt.Origin = strings.ToUpper(o)
	}
	return opt
}

func (d *Dashboard) overview(ctx context.Context, db *sql.DB, r *http.Request) (Page, error) {
	rep, err := Build(ctx, db, d.options(r))
	if err != nil {
		return Page{}, err
	}
	body, err := render("overview", map[string]any{"R": rep, "Heading": heading(rep), "Health": HealthLine(rep),
		"Bars": template.HTML(NetChart(rep)), "Line": template.HTML(TotalChart(rep))})
	return Page{Title: "emigre: overview", Sample: rep.Sample, SampleNotice: rep.SampleNotice, Body: body}, err
}

func checkTotals(r *Report) (pass, warn, fail int) {
	for _, c := range r.Checks.ByCheck {
		pass, warn, fail = pass+c.Pass, warn+c.Warn, fail+c.Fail
	}
	return pass, warn, fail
}

type sourceRow struct {
	ID, Destination, Title, Status, StatusClass, LastRun, LastSuccess, Newest string
	State, StateClass, StateReason, JudgedAt                                  string
	Failures, Observations                                                    int
}

func statusClass(s string) string {
	switch s {
	case load.SourceOK:
		return "pass"
	case load.SourceFailed:
		return "fail"
	}
	return ""
}

// stateClass colours a series' state: ok passes, stale warns, a failure
// of the source fails; the others (unknown, not asked) stay plain.
func stateClass(s string) string {
	switch s {
	case "ok":
		return "pass"
	case "stale":
		return "warn"
	case "failing", "broken", "dead-link":
		return "fail"
	}
	return ""
}

func (d *Dashboard) sources(ctx context.Context, db *sql.DB, _ *http.Request) (Page, error) {
	var rows []sourceRow
	err := load.ScanRows(ctx, db, `
		SELECT source_id, coalesce(destination, ''), title, coalesce(last_status, 'never run'),
			coalesce(strftime(last_run_at, '%Y-%m-%d %H:%M'), ''), coalesce(strftime(last_success_at, '%Y-%m-%d %H:%M'), ''),
			consecutive_failures, observations, coalesce(strftime(newest_period, '%Y-%m-%d'), ''),
			coalesce(state, 'not judged'), coalesce(state_reason, ''), coalesce(strftime(judged_at, '%Y-%m-%d'), '')
		FROM source_health ORDER BY destination, source_id`, nil, func(r *sql.Rows) error {
		var s sourceRow
		if err := r.Scan(&s.ID, &s.Destination, &s.Title, &s.Status, &s.LastRun, &s.LastSuccess, &s.Failures,
			&s.Observations, &s.Newest, &s.State, &s.StateReason, &s.JudgedAt); err != nil {
			return err
		}
		s.StatusClass, s.StateClass = statusClass(s.Status), stateClass(s.State)
		rows = append(rows, s)
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	sample, err := latestSample(ctx, db)
	if err != nil {
		return Page{}, err
	}
	body, err := render("sources", rows)
	return Page{Title: "emigre: sources", Sample: sample, SampleNotice: SampleNotice, Body: body}, err
}

// latestSample says whether the latest run used the sample archive.
func latestSample(ctx context.Context, db *sql.DB) (bool, error) {
	var sample bool
	err := db.QueryRowContext(ctx, `SELECT sample FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1`).Scan(&sample)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNoRun
	}
	return sample, err
}

// sourcePage is what the page of one source shows.
type sourcePage struct {
	ID, Title, Publisher, Homepage, Format, Cadence, SparkLabel string
	Lag                                                         int
	Spark                                                       template.HTML
	History                                                     []historyRow
	Snapshots                                                   []snapshotRow
	Checks                                                      []checkRow
}

// historyRow is one of the source's recent attempts.
type historyRow struct {
	Run, Started, Status, StatusClass, Stage, Error string
	HTTP, Rows, Inserted, Revised, Millis           string
}

// snapshotRow is one archived answer of the source.
type snapshotRow struct{ SHA, Fetched, Size, Method, URL, Sample, Provenance string }

// checkRow is one quality check of the source in the latest run.
type checkRow struct{ Check, Outcome, Detail string }

func (d *Dashboard) source(ctx context.Context, db *sql.DB, req *http.Request) (Page, error) {
	id := req.PathValue("id")
	data := sourcePage{ID: id}
	err := db.QueryRowContext(ctx, `SELECT title, publisher, coalesce(homepage, ''), format, coalesce(cadence, ''),
		coalesce(lag_months, 0) FROM sources WHERE id = ?`, id).Scan(&data.Title, &data.Publisher, &data.Homepage,
		&data.Format, &data.Cadence, &data.Lag)
	if errors.Is(err, sql.ErrNoRows) {
		return Page{}, notFound{"source " + id}
	}
	if err != nil {
		return Page{}, err
	}
	for _, read := range []func(context.Context, *sql.DB, *sourcePage) error{
		readSourceHistory, readSourceSnapshots, readSourceChecks, readSourceSpark,
	} {
		if err := read(ctx, db, &data); err != nil {
			return Page{}, err
		}
	}
	sample, err := latestSample(ctx, db)
	if err != nil && !errors.Is(err, ErrNoRun) {
		return Page{}, err
	}
	body, err := render("source", data)
	return Page{Title: "emigre: " + id, Sample: sample, SampleNotice: SampleNotice, Body: body}, err
}

// readSourceHistory reads the source's 50 most recent attempts, its
// series (destinations) of one run together: the worst status, the
// destinations absent from the answer counted, rows and counts summed.
func readSourceHistory(ctx context.Context, db *sql.DB, data *sourcePage) error {
	return load.ScanRows(ctx, db, `
		SELECT rs.run_id, strftime(any_value(r.started_at), '%Y-%m-%d %H:%M'),
			CASE WHEN bool_or(rs.status = 'failed') THEN 'failed'
			     WHEN bool_or(rs.status = 'ok') THEN 'ok'
			     ELSE min(rs.status) END
			|| CASE WHEN count(*) FILTER (WHERE rs.status = 'absent') > 0
			        THEN ' (' || count(*) FILTER (WHERE rs.status = 'absent') || ' destinations absent)' ELSE '' END,
			coalesce(any_value(rs.stage), ''), coalesce(any_value(rs.error) FILTER (WHERE rs.status = 'failed'), ''),
			coalesce(CAST(any_value(rs.http_status) AS VARCHAR), ''), coalesce(CAST(sum(rs.rows) AS VARCHAR), ''),
			coalesce(CAST(sum(rs.obs_inserted) AS VARCHAR), ''), coalesce(CAST(sum(rs.obs_revised) AS VARCHAR), ''),
			coalesce(CAST(any_value(rs.duration_ms) AS VARCHAR), '')
		FROM run_sources AS rs JOIN runs AS r ON r.run_id = rs.run_id
		WHERE rs.source_id = ?
		GROUP BY rs.run_id
		ORDER BY any_value(r.started_at) DESC LIMIT 50`, []any{data.ID}, func(r *sql.Rows) error {
		var h historyRow
		if err := r.Scan(&h.Run, &h.Started, &h.Status, &h.Stage, &h.Error, &h.HTTP, &h.Rows, &h.Inserted,
			&h.Revised, &h.Millis); err != nil {
			return err
		}
		h.StatusClass = statusClass(h.Status)
		data.History = append(data.History, h)
		return nil
	})
}

// readSourceSnapshots reads the source's 50 newest archived answers.
func readSourceSnapshots(ctx context.Context, db *sql.DB, data *sourcePage) error {
	return load.ScanRows(ctx, db, `
		SELECT sha256, strftime(fetched_at, '%Y-%m-%d %H:%M'), CAST(size AS VARCHAR), method, url,
			CASE WHEN sample THEN 'yes' ELSE 'no' END, coalesce(provenance, '')
		FROM snapshots WHERE source_id = ? ORDER BY fetched_at DESC LIMIT 50`, []any{data.ID}, func(r *sql.Rows) error {
		var s snapshotRow
		if err := r.Scan(&s.SHA, &s.Fetched, &s.Size, &s.Method, &s.URL, &s.Sample, &s.Provenance); err != nil {
			return err
		}
		data.Snapshots = append(data.Snapshots, s)
		return nil
	})
}

// readSourceChecks reads the source's quality checks in the latest run.
func readSourceChecks(ctx context.Context, db *sql.DB, data *sourcePage) error {
	return load.ScanRows(ctx, db, `
		SELECT check_name, outcome, coalesce(detail, '') FROM quality_checks
		WHERE source_id = ? AND run_id = (SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1)
		ORDER BY check_name`, []any{data.ID}, func(r *sql.Rows) error {
		var c checkRow
		if err := r.Scan(&c.Check, &c.Outcome, &c.Detail); err != nil {
			return err
		}
		data.Checks = append(data.Checks, c)
		return nil
	})
}

// readSourceSpark draws the sparkline of the source's series with the
// newest figure: its current values, oldest first.
func readSourceSpark(ctx context.Context, db *sql.DB, data *sourcePage) error {
	var values []float64
	var first, last string
	err := load.ScanRows(ctx, db, `
		SELECT value, strftime(period_end, '%Y-%m-%d') FROM observations_current
		WHERE source_id = ? AND NOT missing
		  AND (destination, citizenship, metric) = (SELECT (destination, citizenship, metric) FROM observations_current
		                                           WHERE source_id = ? AND NOT missing
		                                           ORDER BY period_end DESC, metric LIMIT 1)
		ORDER BY period_end`, []any{data.ID, data.ID}, func(r *sql.Rows) error {
		var v float64
		if err := r.Scan(&v, &last); err != nil {
			return err
		}
		if first == "" {
			first = last
		}
		values = append(values, v)
		return nil
	})
	if err != nil {
		return err
	}
	if len(values) > 0 {
		data.SparkLabel = fmt.Sprintf("%d values, %s to %s, latest %s", len(values), first, last, numfmt.Count(values[len(values)-1], false))
		data.Spark = template.HTML(svg.Sparkline(data.ID+": "+data.SparkLabel, values))
	}
	return nil
}

func (d *Dashboard) report(format string) http.HandlerFunc {
	ctype := map[string]string{"html": "text/html; charset=utf-8", "json": "application/json",
		"md": "text/markdown; charset=utf-8"}[format]
	return func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		err := d.withDB(r.Context(), func(db *sql.DB) error {
			rep, err := Build(r.Context(), db, d.options(r))
			if err != nil {
				return err
			}
			if format == "html" {
				return WriteHTML(&b, rep, d.nav)
			}
			return Write(&b, rep, format)
		})
		if err != nil {
			fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ctype)
		_, _ = w.Write(b.Bytes())
	}
}

// EstimatesAPI is the answer of /api/estimates.
type EstimatesAPI struct {
	Schema       string     `json:"schema"`
	Run          Run        `json:"run"`
	Sample       bool       `json:"sample"`
	SampleNotice string     `json:"sample_notice,omitempty"`
	Total        Total      `json:"total"`
	Estimates    []Estimate `json:"estimates"`
}

func (d *Dashboard) estimates(w http.ResponseWriter, r *http.Request) {
	var out EstimatesAPI
	err := d.withDB(r.Context(), func(db *sql.DB) error {
		rep := &Report{}
		var ws time.Time
		if err := readRun(r.Context(), db, "", d.options(r).Origin, &rep.Run, &ws, &rep.Sample); err != nil {
			return err
		}
		if err := readEstimates(r.Context(), db, rep); err != nil {
			return err
		}
		out = EstimatesAPI{Schema: SchemaVersion, Run: rep.Run, Sample: rep.Sample, Total: rep.Total, Estimates: rep.Estimates}
		if rep.Sample {
			out.SampleNotice = SampleNotice
		}
		return nil
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

func (d *Dashboard) healthz(w http.ResponseWriter, r *http.Request) {
	var run string
	err := d.withDB(r.Context(), func(db *sql.DB) error {
		return db.QueryRowContext(r.Context(), `SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1`).Scan(&run)
	})
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNoRun
	}
	if err != nil {
		http.Error(w, "unhealthy: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "ok: latest run %s\n", run)
}
