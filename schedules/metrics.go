package schedules

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/load"
)

// Metrics follow Prometheus's conventions for batch jobs: the key figures
// are gauges holding the last attempt's and last success's Unix time, the
// last run's duration and its counts. They are read from the published
// warehouse at every scrape, so `emigre run` from cron needs no
// Pushgateway: whatever serves /metrics (`emigre schedule`, `emigre serve`)
// reports the last published run, whoever made it.

var sourceLabels = []string{"source", "destination"}

var (
	descUp = prometheus.NewDesc("emigre_warehouse_up",
		"1 when the published warehouse could be read at this scrape, 0 otherwise.", nil, nil)
	descState = prometheus.NewDesc("emigre_source_state",
		"1 for the state the series is in as the latest run that attempted it judged it (ok, stale, failing, broken, dead-link, unknown, not-configured, not-archived), 0 for the others.",
		append(sourceLabels, "state"), nil)
	descLastAttempt = prometheus.NewDesc("emigre_source_last_attempt_timestamp_seconds",
		"Start of the latest run that attempted the source, Unix time.", sourceLabels, nil)
	descLastSuccess = prometheus.NewDesc("emigre_source_last_success_timestamp_seconds",
		"End of the latest run in which the source loaded or was unchanged, Unix time; absent when it never succeeded.",
		sourceLabels, nil)
	descNewest = prometheus.NewDesc("emigre_source_newest_period_timestamp_seconds",
		"Date (Unix time, midnight UTC) of the newest period the source has published a figure for.", sourceLabels, nil)
	descExpected = prometheus.NewDesc("emigre_source_expected_period_timestamp_seconds",
		"Date (Unix time) of the newest period the publication calendar says should be out by now; absent for statements.",
		sourceLabels, nil)
	descFailures = prometheus.NewDesc("emigre_source_consecutive_failures",
		"Runs in a row, up to the latest, in which the source failed.", sourceLabels, nil)
	descRows = prometheus.NewDesc("emigre_source_last_run_observations",
		"Observations the source produced in its latest attempt.", sourceLabels, nil)
	descBytes = prometheus.NewDesc("emigre_source_last_run_bytes",
		"Bytes the source's latest attempt received.", sourceLabels, nil)
	descDuration = prometheus.NewDesc("emigre_source_last_run_duration_seconds",
		"Wall time of the source's latest attempt, fetch to load.", sourceLabels, nil)
	descOpenAlerts = prometheus.NewDesc("emigre_alerts_open",
		"Open alerts by the state they are about.", []string{"kind"}, nil)
	descRunStart = prometheus.NewDesc("emigre_last_run_start_timestamp_seconds",
		"Start of the latest published run, Unix time.", nil, nil)
	descRunEnd = prometheus.NewDesc("emigre_last_run_completion_timestamp_seconds",
		"End of the latest published run (successful or not), Unix time.", nil, nil)
	descRunSuccess = prometheus.NewDesc("emigre_last_success_timestamp_seconds",
		"End of the latest published run in which at least one source loaded or was unchanged, Unix time.", nil, nil)
	descRunDuration = prometheus.NewDesc("emigre_last_run_duration_seconds",
		"Duration of the latest published run.", nil, nil)
	descRunSources = prometheus.NewDesc("emigre_last_run_sources",
		"Sources of the latest published run by outcome (loaded, unchanged, failed).", []string{"outcome"}, nil)
	descRunRows = prometheus.NewDesc("emigre_last_run_observations",
		"Observations parsed by the latest published run.", nil, nil)
	descRunInfo = prometheus.NewDesc("emigre_last_run_info",
		"Always 1; the labels describe the latest published run.", []string{"run_id", "mode", "status", "sample"}, nil)
)

// Collector is a prometheus.Collector over a published warehouse.
type Collector struct {
	Warehouse string
	Policy    Policy
	Catalogue []*extractors.Source // nil: the registered catalogue
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descState, descLastAttempt, descLastSuccess, descNewest,
		descExpected, descFailures, descRows, descBytes, descDuration, descOpenAlerts, descRunStart, descRunEnd,
		descRunSuccess, descRunDuration, descRunSources, descRunRows, descRunInfo} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: one read-only look at the
// warehouse per scrape.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	st, err := c.read()
	if err != nil {
		slog.Warn("metrics: cannot read the warehouse", "warehouse", c.Warehouse, "error", err)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	stamp := func(d *prometheus.Desc, t time.Time, labels ...string) {
		if !t.IsZero() {
			gauge(d, float64(t.UnixNano())/1e9, labels...)
		}
	}
	open := map[State]int{}
	for _, s := range st.Sources {
		l := []string{s.Source.ID, s.Destination}
		for _, state := range States {
			v := 0.0
			if s.Judgement.State == state {
				v = 1
			}
			gauge(descState, v, append(l, string(state))...)
		}
		stamp(descLastAttempt, s.Facts.LastAttempt, l...)
		stamp(descLastSuccess, s.Facts.LastSuccess, l...)
		stamp(descNewest, s.Facts.NewestPeriod, l...)
		stamp(descExpected, s.Judgement.ExpectedPeriod, l...)
		gauge(descFailures, float64(s.Facts.ConsecutiveFailures), l...)
		if s.Facts.Attempted {
			gauge(descRows, float64(s.Facts.LastRows), l...)
			gauge(descBytes, float64(s.Facts.LastBytes), l...)
			gauge(descDuration, s.Facts.LastDuration.Seconds(), l...)
		}
		if s.OpenAlert != nil {
			open[s.OpenAlert.Kind]++
		}
	}
	for _, state := range States {
		if state.Bad() {
			gauge(descOpenAlerts, float64(open[state]), string(state))
		}
	}
	if r := st.LastRun; r != nil {
		stamp(descRunStart, r.Started)
		stamp(descRunEnd, r.Finished)
		stamp(descRunSuccess, r.LastSuccess)
		if !r.Finished.IsZero() {
			gauge(descRunDuration, r.Finished.Sub(r.Started).Seconds())
		}
		gauge(descRunSources, float64(r.Loaded), "loaded")
		gauge(descRunSources, float64(r.Unchanged), "unchanged")
		gauge(descRunSources, float64(r.Failed), "failed")
		gauge(descRunRows, float64(r.Observations))
		sample := "false"
		if r.Sample {
			sample = "true"
		}
		gauge(descRunInfo, 1, r.ID, r.Mode, r.Status, sample)
	}
}

func (c *Collector) read() (*Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db, err := load.OpenReadOnly(ctx, c.Warehouse)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	cat := c.Catalogue
	if cat == nil {
		cat = catalogue.MustDefault().Sources()
	}
	// The states as the runs judged them: the same as emigre status shows.
	return ReadStatus(ctx, db, time.Time{}, c.Policy, cat)
}

// DaemonMetrics are the schedule daemon's own counters.
type DaemonMetrics struct {
	Refreshes   *prometheus.CounterVec // by result: published, failed, abandoned, panicked
	Skipped     prometheus.Counter
	Running     prometheus.Gauge
	NextRefresh prometheus.Gauge
}

// NewDaemonMetrics creates the daemon's metrics and registers them.
func NewDaemonMetrics(reg prometheus.Registerer) *DaemonMetrics {
	m := &DaemonMetrics{
		Refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "emigre_schedule_refreshes_total",
			Help: "Refreshes the daemon started, by result (published, failed, abandoned, panicked)."}, []string{"result"}),
		Skipped: prometheus.NewCounter(prometheus.CounterOpts{Name: "emigre_schedule_refreshes_skipped_total",
			Help: "Scheduled refreshes skipped because the previous one was still running."}),
		Running: prometheus.NewGauge(prometheus.GaugeOpts{Name: "emigre_schedule_refresh_running",
			Help: "1 while a refresh runs."}),
		NextRefresh: prometheus.NewGauge(prometheus.GaugeOpts{Name: "emigre_schedule_next_refresh_timestamp_seconds",
			Help: "When the next scheduled refresh starts, Unix time."}),
	}
	for _, r := range []string{"published", "failed", "abandoned", "panicked"} {
		m.Refreshes.WithLabelValues(r)
	}
	reg.MustRegister(m.Refreshes, m.Skipped, m.Running, m.NextRefresh)
	return m
}
