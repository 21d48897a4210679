package catalogue_test

import (
	"database/sql"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/transform"
)

// israelArrivals is METHOD.md's worked example for Israel with CBS's own
// 2022 count: METHOD.md computed "about 45,500 (2022, 60.9% of 74,714)"
// from a press relay; CBS's media release 280/2023 gives 45,472 itself.
// With 33,116 (2023): arrivals 78,588, returns unknown, flagged gross.
const israelArrivals = 45472 + 33116

// TestIsraelEndToEnd replays Israel's sources from the sample archive into a
// real warehouse and reads latest_estimates: CBS's two yearly figures, each
// read from its own archived page (2022 from CBS's own release), are summed.
func TestIsraelEndToEnd(t *testing.T) {
	var srcs []*extractors.Source
	for _, s := range cat.Sources() {
		if s.Destination == "IL" {
			srcs = append(srcs, s)
		}
	}
	// What the pages give, per year, from the extraction alone.
	cbs, err := cat.Source("il-cbs-statements")
	if err != nil {
		t.Fatal(err)
	}
	perYear := map[int]float64{}
	for _, o := range extractSample(t, cbs) {
		if o.PeriodStart.Year() != o.PeriodEnd.Year() || o.PeriodStart.YearDay() != 1 || o.PeriodEnd.YearDay() < 365 {
			t.Errorf("%v..%v is not a calendar year", o.PeriodStart, o.PeriodEnd)
		}
		perYear[o.PeriodStart.Year()] += o.Value
	}
	if len(perYear) != 2 || perYear[2022] == 0 || perYear[2023] == 0 {
		t.Fatalf("CBS figures %v, want 2022 and 2023", perYear)
	}

	conn := replayIntoWarehouse(t, srcs)
	var (
		net             float64
		arrivals        sql.NullFloat64
		returns         sql.NullFloat64
		method, source  string
		asOf            time.Time
		gross, baseline bool
	)
	err = conn.QueryRow(`SELECT net, arrivals, returns, method, source_id, as_of,
		list_contains(flags, 'gross'), list_contains(flags, 'stock_without_baseline')
		FROM latest_estimates WHERE destination = 'IL' AND citizenship = 'RU'`).
		Scan(&net, &arrivals, &returns, &method, &source, &asOf, &gross, &baseline)
	if err != nil {
		t.Fatal(err)
	}
	if source != cbs.ID || method != string(transform.Statement) {
		t.Errorf("chosen %s by %s, want CBS's statements", method, source)
	}
	if want := perYear[2022] + perYear[2023]; net != want || !arrivals.Valid || arrivals.Float64 != want {
		t.Errorf("net %v, arrivals %v: want the two years' sum %v", net, arrivals, want)
	}
	if net != israelArrivals {
		t.Errorf("net %v, CBS's 2022 and 2023 figures sum to %v", net, israelArrivals)
	}
	if returns.Valid || !gross || baseline {
		t.Errorf("returns %v, gross %v, stock_without_baseline %v: want unknown returns, flagged gross", returns, gross, baseline)
	}
	if got := asOf.Format(time.DateOnly); got != "2023-12-31" {
		t.Errorf("as_of %s, want 2023-12-31", got)
	}
}

// TestIsraelCBSAgainstPageFigures checks the 2022 figure read from CBS's own
// release page in the sample is the one the shared register of published
// figures quotes from that release (media release 280/2023).
func TestIsraelCBSAgainstPageFigures(t *testing.T) {
	b, err := os.ReadFile(pageFigures)
	if err != nil {
		t.Skipf("shared page figures not available (%v)", err)
	}
	var want float64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, "\t")
		if len(f) > 5 && f[0] == "Israel" && strings.Contains(f[1], "280/2023") && f[3] == "immigrants (olim) from Russia" {
			if want, err = strconv.ParseFloat(f[2], 64); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(f[5], "https://www.cbs.gov.il/") {
				t.Errorf("the register's page %s is not CBS's", f[5])
			}
		}
	}
	if want == 0 {
		t.Fatal("no CBS 280/2023 figure for Russia in the register")
	}
	for _, o := range sampleOf(t, "il-cbs-statements") {
		if o.PeriodStart.Year() == 2022 {
			if o.Value != want {
				t.Errorf("2022 from CBS's page: %v, the register %v", o.Value, want)
			}
			return
		}
	}
	t.Error("no 2022 figure read from CBS's page")
}
