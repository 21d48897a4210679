package catalogue_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/extractors/mapping"
	"github.com/emigre/emigre/transform"
)

const (
	germanRegister = "de-destatis-genesis-12521"
	irishCensus    = "ie-cso-census-f5065"
	registerCSV    = "../../../shared/realdata/vitcipher-W9_Capstone_Project_Round1__germany_foreign_population_by_citizenship__RU+Total.csv"
	censusCSV      = "../../../shared/realdata/mhbvr-irish-migration-stats__cso_F5065__RU+Total.csv"
)

func source(t *testing.T, id string) *extractors.Source {
	t.Helper()
	s, err := cat.Source(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sharedRows reads a shared CSV, skipping the test when the shared folder
// is absent.
func sharedRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("shared file not available (%v)", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// TestGermanRegisterSampleIsTheTranscription: every Russian Federation
// figure of the transcribed Destatis table is in the sample on its 31
// December, and nothing else is.
func TestGermanRegisterSampleIsTheTranscription(t *testing.T) {
	want := map[string]float64{}
	for _, r := range sharedRows(t, registerCSV) {
		if r["nationality"] == "Russian Federation" {
			v, err := strconv.ParseFloat(r["population"], 64)
			if err != nil {
				t.Fatal(err)
			}
			want[r["year"]+"-12-31"] = v
		}
	}
	obs := extractSample(t, source(t, germanRegister))
	if len(obs) != len(want) || len(want) != 8 {
		t.Fatalf("%d observations, %d transcribed dates (want 8: 2018-2025)", len(obs), len(want))
	}
	for _, o := range obs {
		day := o.PeriodEnd.Format(time.DateOnly)
		if v, ok := want[day]; !ok || o.Value != v || !o.PeriodStart.Equal(o.PeriodEnd) || o.Metric != extractors.ResidentStock {
			t.Errorf("%s %s: %v, transcribed %v (present %v)", o.Metric, day, o.Value, v, ok)
		}
	}
}

// TestIrishCensusSampleIsTheFlattenedTable: the census answer holds the
// flattened file's rows; the source reads Russia's on census night.
func TestIrishCensusSampleIsTheFlattenedTable(t *testing.T) {
	var ru float64
	for _, r := range sharedRows(t, censusCSV) {
		if r["Citizenship_code"] == "RU" {
			v, err := strconv.ParseFloat(r["value"], 64)
			if err != nil {
				t.Fatal(err)
			}
			ru = v
		}
	}
	obs := extractSample(t, source(t, irishCensus))
	if len(obs) != 1 {
		t.Fatalf("%d observations, want Russia's one (the all-citizenships row filtered out): %+v", len(obs), obs)
	}
	o := obs[0]
	night := time.Date(2022, 4, 3, 0, 0, 0, 0, time.UTC)
	if o.Value != ru || !o.PeriodStart.Equal(night) || !o.PeriodEnd.Equal(night) || o.Citizenship != "RU" || o.Destination != "IE" {
		t.Errorf("%+v: want %v Russian citizens in Ireland on census night 2022-04-03", o, ru)
	}
}

// expectedAt is the catalogue's expected figure of a source on a day.
func expectedAt(t *testing.T, id, dest, day string) float64 {
	t.Helper()
	for _, w := range cat.Entry(id).Expected {
		if w.Destination == dest && w.Metric.IsStock() && w.Period.Start.Format(time.DateOnly) == day && !w.Missing {
			return w.Value
		}
	}
	t.Fatalf("%s has no expected %s figure on %s", id, dest, day)
	return 0
}

// TestGermanyKeepsEurostatAndTheRegisterWidensTheRange: Eurostat's
// migr_pop1ctz stays Germany's chosen stock series (priority 10, 34,546 on
// the sample), the register (priority 20) is an alternative whose change
// from end-2021 to its newest 31 December enters the low-high range.
func TestGermanyKeepsEurostatAndTheRegisterWidensTheRange(t *testing.T) {
	var obs []extractors.Observation
	prio := map[string]int{}
	pop1ctz := ""
	for _, s := range cat.SampleSources() {
		if s.Destination != "DE" && !s.MultiCountry() {
			continue
		}
		if s.PublisherID == "eurostat" && s.Dataset == "migr_pop1ctz" {
			pop1ctz = s.ID
		}
		prio[s.ID] = s.Priority
		obs = append(obs, extractSample(t, s)...)
	}
	register := source(t, germanRegister)
	if pop1ctz == "" || register.Priority <= prio[pop1ctz] {
		t.Fatalf("register priority %d, Eurostat migr_pop1ctz (%q) %d: the register must rank below", register.Priority, pop1ctz, prio[pop1ctz])
	}
	var de transform.Estimate
	for _, e := range transform.Estimates(obs, transform.Options{Priority: prio}) {
		if e.Destination == "DE" {
			de = e
		}
	}
	wantNet := expectedAt(t, pop1ctz, "DE", "2024-01-01") - expectedAt(t, pop1ctz, "DE", "2022-01-01")
	if de.SourceID != pop1ctz || de.Method != transform.StockChange || de.Net != wantNet || wantNet != 34546 {
		t.Fatalf("Germany: %s %s net %v, want %s stock change %v (34,546)", de.SourceID, de.Method, de.Net, pop1ctz, wantNet)
	}
	regNet := expectedAt(t, germanRegister, "DE", "2025-12-31") - expectedAt(t, germanRegister, "DE", "2021-12-31")
	found := false
	for _, a := range de.Alternatives {
		if a.SourceID == germanRegister {
			found = true
			if a.Method != transform.StockChange || a.Net != regNet || !a.AsOf.Equal(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("register: %s net %v as of %v, want stock change %v as of 2025-12-31", a.Method, a.Net, a.AsOf, regNet)
			}
		}
	}
	if !found || de.Low > regNet || de.High < regNet {
		t.Errorf("register's %v not within Germany's range %v..%v (alternative present %v)", regNet, de.Low, de.High, found)
	}
}

func genesisEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestGenesisCredentials: a user name and password, or an API token as the
// user name with the password left empty; without a user name the source
// is not configured, naming the variable; the config may name others.
func TestGenesisCredentials(t *testing.T) {
	s := source(t, germanRegister)
	run := func(vars map[string]string, names map[string]map[string]string) (*extractors.Source, error) {
		return catalogue.ForRun(s, catalogue.RunParams{Origin: "RU", Env: genesisEnv(vars), EnvNames: names})
	}
	got, err := run(map[string]string{"GENESIS_USER": "u1", "GENESIS_PASSWORD": "p1"}, nil)
	if err != nil || got.Requests[0].Secrets["user"] != "u1" || got.Requests[0].Secrets["password"] != "p1" {
		t.Errorf("user and password: %v %v", got, err)
	}
	got, err = run(map[string]string{"GENESIS_USER": "tok-123"}, nil)
	if err != nil || got.Requests[0].Secrets["user"] != "tok-123" || got.Requests[0].Secrets["password"] != "" {
		t.Errorf("a token: %v %v", got, err)
	}
	if got.Requests[0].Header["username"] != "{user}" || s.Requests[0].Secrets != nil {
		t.Error("the request keeps its placeholders and the catalogue's source holds no secret")
	}
	_, err = run(map[string]string{"GENESIS_PASSWORD": "p1"}, nil)
	var nc *catalogue.NotConfiguredError
	if !errors.As(err, &nc) || nc.Env != "GENESIS_USER" || !strings.Contains(err.Error(), "not configured") {
		t.Errorf("no user: %v, want not configured naming GENESIS_USER", err)
	}
	got, err = run(map[string]string{"DESTATIS_TOKEN": "tok-9"}, map[string]map[string]string{germanRegister: {"user": "DESTATIS_TOKEN"}})
	if err != nil || got.Requests[0].Secrets["user"] != "tok-9" {
		t.Errorf("config-named variable: %v %v", got, err)
	}
	// An offline replay fills nothing: the archive keeps the placeholders.
	if got, err := catalogue.ForRun(s, catalogue.RunParams{Origin: "RU"}); err != nil || got.Requests[0].Secrets != nil {
		t.Errorf("offline: %v %v", got, err)
	}
}

// TestGenesisRequestAsDestatisDocumentsIt sends the register's request to a
// local server that answers as GENESIS does only to a form-encoded POST
// with the token in the username header and an empty password header, and
// maps the answer; the recorded archive keeps no token.
func TestGenesisRequestAsDestatisDocumentsIt(t *testing.T) {
	const token = "tok-4711-destatis"
	_, answer := snapshot(t, sampleArchive(t), source(t, germanRegister))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		_, hasPassword := r.Header["Password"]
		switch {
		case r.Method != http.MethodPost || r.URL.Path != "/genesisWS/rest/2020/data/tablefile":
			http.Error(w, "POST data/tablefile only", http.StatusMethodNotAllowed)
		case r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || err != nil:
			http.Error(w, "form body expected", http.StatusBadRequest)
		case r.Header.Get("username") != token || !hasPassword || r.Header.Get("password") != "":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"Ident":{"Service":"data","Method":"tablefile"},"Status":{"Code":-1,"Content":"Fehler: Anmeldung fehlgeschlagen","Type":"Fehler"}}`))
		case form.Get("name") != "12521-0002" || form.Get("format") != "ffcsv" || r.URL.RawQuery != "":
			http.Error(w, "unexpected parameters", http.StatusBadRequest)
		default:
			w.Header().Set("Content-Type", "application/zip")
			_, _ = w.Write(answer)
		}
	}))
	defer srv.Close()

	s, err := catalogue.ForRun(source(t, germanRegister), catalogue.RunParams{Origin: "RU", Env: genesisEnv(map[string]string{"GENESIS_USER": token})})
	if err != nil {
		t.Fatal(err)
	}
	s.Requests[0].URL = srv.URL + "/genesisWS/rest/2020/data/tablefile"
	dir := t.TempDir()
	arch, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fetch.FetchConfig{UserAgent: fetch.UserAgent("test"), Timeout: 10 * time.Second, Record: true}
	res := fetch.NewFetcher(cfg, arch).FetchAll(context.Background(), []*extractors.Source{s})
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	resp := res[0].Responses[0]
	obs, err := mapping.Extract(context.Background(), s, resp.Entry.URL, resp.Body, resp.Entry.SHA256)
	if err != nil || len(obs) != 8 {
		t.Fatalf("%d observations, %v", len(obs), err)
	}
	err = filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(b), token) {
			t.Errorf("%s holds the token", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
