package schedules

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/emigre/emigre/extractors"
)

func scrape(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("scrape: %d %v", resp.StatusCode, err)
	}
	return string(b)
}

// sample returns the value of the series whose name and labels start the
// line, e.g. `emigre_source_state{destination="IS",source="x",state="ok"}`.
func sample(t *testing.T, exposition, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(exposition)
	if m == nil {
		t.Fatalf("no series %s in\n%s", series, exposition)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetricsFromTheWarehouse(t *testing.T) {
	fetched := instant("2025-08-20T09:00:00Z")
	dir := writeArchive(t, map[*extractors.Source]struct {
		a  answer
		at time.Time
	}{
		srcFresh: {jsonAnswer(2024), fetched},
		srcLate:  {jsonAnswer(2023), fetched},
		srcDrift: {htmlAnswer(200, "<!DOCTYPE html><html>maintenance</html>"), fetched},
	})
	c := &clock{t: instant("2025-08-21T06:00:00Z")}
	srcs := []*extractors.Source{srcFresh, srcLate, srcDrift}
	opt := offlineOptions(t, dir, c, srcs...)
	m := &Monitor{Policy: testPolicy(t), Now: c.Now}
	run, _, err := m.Refresh(context.Background(), opt.Sources, refresher(opt))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(&Collector{Warehouse: opt.Warehouse, Policy: m.Policy, Catalogue: srcs})
	dm := NewDaemonMetrics(reg)
	dm.Skipped.Inc()
	out := scrape(t, reg)

	if v := sample(t, out, `emigre_warehouse_up`); v != 1 {
		t.Errorf("up = %v", v)
	}
	for src, want := range map[string]State{srcFresh.ID: OK, srcLate.ID: Stale, srcDrift.ID: Broken} {
		for _, st := range States {
			v := sample(t, out, `emigre_source_state{destination="IS",source="`+src+`",state="`+string(st)+`"}`)
			if (st == want) != (v == 1) {
				t.Errorf("%s state %s = %v, want the state %s", src, st, v, want)
			}
		}
	}
	if v := sample(t, out, `emigre_source_newest_period_timestamp_seconds{destination="IS",source="is-test-late"}`); v != float64(day("2023-12-31").Unix()) {
		t.Errorf("newest period of the late source = %v", time.Unix(int64(v), 0).UTC())
	}
	if v := sample(t, out, `emigre_source_expected_period_timestamp_seconds{destination="IS",source="is-test-late"}`); v != float64(day("2024-12-31").Unix()) {
		t.Errorf("expected period = %v", time.Unix(int64(v), 0).UTC())
	}
	if strings.Contains(out, `emigre_source_last_success_timestamp_seconds{destination="IS",source="is-test-drift"}`) {
		t.Error("a source that never succeeded has a last success")
	}
	if v := sample(t, out, `emigre_source_last_attempt_timestamp_seconds{destination="IS",source="is-test-drift"}`); v != float64(run.Started.Unix()) {
		t.Errorf("last attempt = %v, run started %v", v, run.Started)
	}
	if v := sample(t, out, `emigre_source_last_run_observations{destination="IS",source="is-test-fresh"}`); v != 6 {
		t.Errorf("rows of the fresh source = %v, want its 6 years", v)
	}
	if v := sample(t, out, `emigre_source_last_run_bytes{destination="IS",source="is-test-fresh"}`); v != float64(len(table(2024))) {
		t.Errorf("bytes = %v, want %d", v, len(table(2024)))
	}
	for outcome, want := range map[string]float64{"loaded": 2, "unchanged": 0, "failed": 1} {
		if v := sample(t, out, `emigre_last_run_sources{outcome="`+outcome+`"}`); v != want {
			t.Errorf("last run %s = %v, want %v", outcome, v, want)
		}
	}
	if v := sample(t, out, `emigre_alerts_open{kind="stale"}`); v != 1 {
		t.Errorf("open stale alerts = %v", v)
	}
	if v := sample(t, out, `emigre_alerts_open{kind="broken"}`); v != 1 {
		t.Errorf("open broken alerts = %v", v)
	}
	if v := sample(t, out, `emigre_schedule_refreshes_skipped_total`); v != 1 {
		t.Errorf("skipped = %v", v)
	}
	if v := sample(t, out, `emigre_last_success_timestamp_seconds`); v <= 0 {
		t.Errorf("last success = %v", v)
	}
	// Prometheus's own lint of names, units and help texts.
	problems, err := promlint.New(strings.NewReader(out)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}

	// No warehouse: up is 0, the scrape still answers.
	reg2 := prometheus.NewRegistry()
	reg2.MustRegister(&Collector{Warehouse: filepath.Join(t.TempDir(), "none.duckdb"), Policy: m.Policy})
	if v := sample(t, scrape(t, reg2), `emigre_warehouse_up`); v != 0 {
		t.Errorf("up without a warehouse = %v", v)
	}
}
