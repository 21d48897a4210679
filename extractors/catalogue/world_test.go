package catalogue_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/mapping"
	"github.com/emigre/emigre/transform"
)

// TestStatementsHaveFigures makes every statement carry
// the figure its page publishes in the end-to-end expectations.
func TestStatementsHaveFigures(t *testing.T) {
	for _, s := range cat.Sources() {
		if s.Statement != nil && len(cat.Entry(s.ID).Expected) == 0 {
			t.Errorf("%s: no expected figure", s.ID)
		}
	}
}

// sharedDerived reads a Russia-only CSV of shared/realdata/derived, or
// skips the test when the shared folder is absent.
func sharedDerived(t *testing.T, name string) []map[string]string {
	t.Helper()
	return sharedRows(t, "../../../shared/realdata/derived/"+name)
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// sampleOf extracts the registered source's sample snapshot.
func sampleOf(t *testing.T, id string) []extractors.Observation {
	t.Helper()
	s, err := cat.Source(id)
	if err != nil {
		t.Fatal(err)
	}
	return extractSample(t, s)
}

// byMonth sums non-missing observations per "YYYY-MM" of their start, after
// checking each is one whole calendar month.
func byMonth(t *testing.T, obs []extractors.Observation) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, o := range obs {
		if o.PeriodStart.Day() != 1 || !o.PeriodEnd.Equal(o.PeriodStart.AddDate(0, 1, -1)) {
			t.Errorf("%v..%v is not a calendar month", o.PeriodStart, o.PeriodEnd)
		}
		if !o.Missing {
			out[o.PeriodStart.Format("2006-01")] += o.Value
		}
	}
	return out
}

// TestIRCCAgainstIndependentDecode checks each IRCC source's months
// against the yearly sums another decoder made of the same files.
func TestIRCCAgainstIndependentDecode(t *testing.T) {
	sums := sharedDerived(t, "russia__ircc_monthly_csv_annual_sums.csv")
	files := map[string]string{
		"ca-ircc-pr-citizenship": "ODP-PR-Citz", "ca-ircc-tr-work-imp": "ODP-TR-Work-IMP-CITZ",
		"ca-ircc-tr-work-tfwp": "ODP-TR-Work-TFWP-CITZ", "ca-ircc-tr-study": "ODP-TR-Study-IS_CITZ",
	}
	for id, file := range files {
		t.Run(id, func(t *testing.T) {
			perYear := map[string]float64{}
			for m, v := range byMonth(t, sampleOf(t, id)) {
				perYear[m[:4]] += v
			}
			checked := 0
			for _, r := range sums {
				if r["file"] != file {
					continue
				}
				y := r["year"]
				if perYear[y] != atof(t, r["sum_of_monthly_cells_RU"]) {
					t.Errorf("%s: months sum to %v, the independent decode to %s", y, perYear[y], r["sum_of_monthly_cells_RU"])
				}
				checked++
			}
			if checked < 9 {
				t.Errorf("only %d years checked", checked)
			}
		})
	}
}

// TestIRCCWorkbookEdition reads IRCC's real workbook edition of the
// permanent-resident table with the xlsx reader and the layout the notes
// give: every month it shares with the CSV edition has the CSV's figure,
// and its months add up to its own yearly total columns within rounding.
func TestIRCCWorkbookEdition(t *testing.T) {
	const workbook = "../../../shared/realdata/fmsl11-cs2703__EN_ODP-PR-Citz.xlsx"
	body, err := os.ReadFile(workbook)
	if err != nil {
		t.Skipf("shared workbook not available (%v)", err)
	}
	csvSource, err := cat.Source("ca-ircc-pr-citizenship")
	if err != nil {
		t.Fatal(err)
	}
	wb := *forRun(t, csvSource, "RU")
	wb.Format, wb.Params = "xlsx", irccPRWorkbookParams
	obs, err := mapping.Extract(context.Background(), &wb, workbook, body, "")
	if err != nil {
		t.Fatal(err)
	}
	xlsxMonths, csvMonths := byMonth(t, obs), byMonth(t, sampleOf(t, csvSource.ID))
	shared := 0
	for m, v := range csvMonths {
		if w, ok := xlsxMonths[m]; ok {
			shared++
			if w != v {
				t.Errorf("%s: workbook %v, CSV %v", m, w, v)
			}
		}
	}
	if shared < 100 || len(xlsxMonths) <= len(csvMonths) {
		t.Errorf("%d months in common, %d in the workbook, %d in the CSV: want the workbook to cover the CSV and more", shared, len(xlsxMonths), len(csvMonths))
	}
	perYear, months := map[string]float64{}, map[string]int{}
	for m, v := range xlsxMonths {
		perYear[m[:4]] += v
		months[m[:4]]++
	}
	checked := 0
	for _, r := range sharedDerived(t, "russia__ircc_pr_admissions_annual.csv") {
		if r["country_of_citizenship"] != "Russia" {
			continue
		}
		y, total := r["year"], atof(t, r["pr_admissions"])
		// Every cell is rounded to 5 on its own: twelve months can drift
		// from the rounded year total by up to 12 x 2.5.
		if d := math.Abs(perYear[y] - total); months[y] == 0 || d > 2.5*float64(months[y]) {
			t.Errorf("%s: %d months sum to %v, the year's total column says %v", y, months[y], perYear[y], total)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("only %d years checked", checked)
	}
}

// TestUSAgainstSharedExtracts checks the CBP and State Department sources
// month by month against the shared Russia-only extracts.
func TestUSAgainstSharedExtracts(t *testing.T) {
	cases := []struct {
		id, file, month, value string
		from                   string // first month the source covers
	}{
		{"us-cbp-encounters", "russia__us_cbp_swb_encounters_RUS_monthly.csv", "month_start", "encounters_RUS", "2021-10"},
		{"us-dos-immigrant-visas", "russia__us_dos_immigrant_visas_RU.csv", "month", "count", ""},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			want := map[string]float64{}
			for _, r := range sharedDerived(t, c.file) {
				if m := r[c.month][:7]; m >= c.from {
					want[m] += atof(t, r[c.value])
				}
			}
			have := byMonth(t, sampleOf(t, c.id))
			if len(want) < 24 || len(have) != len(want) {
				t.Fatalf("%d months extracted, %d in the extract", len(have), len(want))
			}
			for m, v := range want {
				if have[m] != v {
					t.Errorf("%s: %v, the extract %v", m, have[m], v)
				}
			}
		})
	}
}

// TestUNHCRAgainstSharedExtract checks UNHCR's one source against the
// extract: every country of asylum with applications by Russians since 2022
// is in its covers, and each country's years are the extract's new
// applications in persons summed over authorities, or where a year has
// none, its new-and-repeat applications (NR), else its cases (C), each
// flagged, never added to persons. The answer comes in two pages.
func TestUNHCRAgainstSharedExtract(t *testing.T) {
	rows := sharedDerived(t, "russia__unhcr_FDS_asylum_applications_origin_RUS.csv")
	s, err := cat.Source("unhcr-asylum-applications")
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		iso  string
		year int
	}
	// What the extract says, per country and year, by application type
	// and unit.
	byKind := map[key]map[string]float64{}
	for _, r := range rows {
		iso, err := transform.CountryCode(r["asylum_iso3"])
		if err != nil {
			t.Fatal(err)
		}
		y, _ := strconv.Atoi(r["year"])
		k := key{iso, y}
		if byKind[k] == nil {
			byKind[k] = map[string]float64{}
		}
		byKind[k][r["application_type"]+"/"+r["data_type"]] += atof(t, r["n"])
		if y >= 2022 && !slices.Contains(s.Covers, iso) {
			t.Errorf("%s: applications since 2022 in the extract, not in the source's covers", iso)
		}
	}
	want := map[key]extractors.Observation{}
	for k, kinds := range byKind {
		for _, alt := range []struct{ kind, flag string }{{"N/P", ""}, {"NR/P", "NR"}, {"N/C", "C"}} {
			if v, ok := kinds[alt.kind]; ok {
				want[k] = extractors.Observation{Value: v, Flags: alt.flag}
				break
			}
		}
	}
	have := map[key]extractors.Observation{}
	for _, o := range extractSample(t, s) {
		if o.Metric != extractors.AsylumApplications || o.PeriodStart.Month() != time.January {
			t.Errorf("observation %+v: want asylum applications of a year", o)
		}
		k := key{o.Destination, o.PeriodStart.Year()}
		if _, dup := have[k]; dup {
			t.Errorf("%v: two observations", k)
		}
		have[k] = o
	}
	if len(have) != len(want) {
		t.Errorf("%d country-years extracted, %d in the extract", len(have), len(want))
	}
	for k, w := range want {
		if h := have[k]; h.Value != w.Value || h.Flags != w.Flags {
			t.Errorf("%v: %v (flags %q), the extract %v (flags %q)", k, h.Value, h.Flags, w.Value, w.Flags)
		}
	}
	pages := 0
	entries, err := sampleArchive(t).Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Source == s.ID {
			pages++
		}
	}
	if pages != 2 {
		t.Errorf("%d pages archived, want 2 (1,542 rows at 1,000 a page)", pages)
	}
}

// TestGaps checks the register of destinations without a source: real
// countries, a reason and evidence, and no registered source the estimate
// can use for them. A gap may keep sources the estimate ignores (asylum
// applications) if its reason names them: then the sample estimate must
// give it no row.
func TestGaps(t *testing.T) {
	gaps := cat.Gaps()
	if len(gaps) == 0 {
		t.Fatal("no gaps registered")
	}
	withSource := map[string][]*extractors.Source{}
	for _, s := range cat.Sources() {
		withSource[s.Destination] = append(withSource[s.Destination], s)
		for _, c := range s.Covers { // a source that answers for many countries
			withSource[c] = append(withSource[c], s)
		}
	}
	for _, g := range gaps {
		if _, err := transform.CountryCode(g.Country); err != nil || transform.CountryName(g.Country) == "" {
			t.Errorf("gap %q is not a country: %v", g.Country, err)
		}
		if srcs := withSource[g.Country]; len(srcs) > 0 {
			var obs []extractors.Observation
			for _, s := range srcs {
				// A source of its own is named; a source that answers for
				// many countries is judged by what it gives this one.
				if !s.MultiCountry() && !strings.Contains(g.Reason, s.ID) {
					t.Errorf("gap %s: its reason does not name its source %s", g.Country, s.ID)
				}
				if absent(s) {
					continue
				}
				for _, o := range extractSample(t, s) {
					if o.Destination == g.Country {
						obs = append(obs, o)
					}
				}
			}
			if est := transform.Estimates(obs, transform.Options{}); len(est) > 0 {
				t.Errorf("gap %s has a source the estimate uses (%v): remove it from the gaps", g.Country, est[0].Result)
			}
		}
		// Every piece of evidence points at a page or a shared file.
		for _, ev := range strings.Split(g.Evidence, " ; ") {
			if !strings.Contains(ev, "https://") && !strings.Contains(ev, "shared/") {
				t.Errorf("gap %s: evidence %q names no page (https://) or shared file", g.Country, ev)
			}
		}
		if g.Checked.After(time.Now()) {
			t.Errorf("gap %s checked in the future (%v)", g.Country, g.Checked)
		}
	}
}

// irccPRWorkbookParams lay out IRCC's workbook edition of permanent-resident
// admissions by citizenship (EN_ODP-PR-Citz.xlsx): one sheet, three header
// rows (the year in merged cells, the quarter, the month, with 'Qn Total'
// and 'YYYY Total' columns between the months), countries in column A,
// notes after the table. Verified on the real file (shared/realdata/
// fmsl11-cs2703__EN_ODP-PR-Citz.xlsx, 'Source: IRCC, January 31, 2025').
var irccPRWorkbookParams = map[string]string{
	"sheet":       "PR - CITZ",
	"header_row":  "3",
	"header_rows": "3",
	// The year spans its months in merged cells: repeating a header to the
	// right names the columns as the merges do, without the reader decoding
	// the sheet a second time for them.
	"merged":          "ignore",
	"header_fill":     "right",
	"dim.citizenship": "Country of Citizenship",
	// Monthly columns only: quarter and year totals would double count.
	"melt":      `^\d{4} Q[1-4] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$`,
	"melt_dims": "year,quarter,month",
	"stop":      `^Notes:`,
}

// TestUNHCRAnswersAreReadWhole runs the catalogue's UNHCR source over a
// made-up answer in the API's layout (figures invented for the test, never
// in the sample), across two pages: rows that differ by decision level or
// authority are summed; counts sent as strings are read; a year reported
// only as new and repeat applications (NR), or only in cases (C), stands in
// flagged; cases are never added to persons; nothing is dropped silently.
func TestUNHCRAnswersAreReadWhole(t *testing.T) {
	s, err := cat.Source("unhcr-asylum-applications")
	if err != nil {
		t.Fatal(err)
	}
	item := func(year int, coa, proc, app, level, unit, applied string) string {
		return fmt.Sprintf(`{"year":%d,"coo_iso":"RUS","coa_iso":%q,"procedure_type":%q,"app_type":%q,"dec_level":%q,"app_pc":%q,"applied":%s}`,
			year, coa, proc, app, level, unit, applied)
	}
	page1 := `{"page":1,"maxPages":2,"items":[` + strings.Join([]string{
		item(2022, "DEU", "G", "N", "FI", "P", "100"),
		item(2022, "DEU", "G", "N", "AR", "P", `"7"`), // another decision level, a count as a string
		item(2022, "BGR", "G", "NR", "FI", "P", "30"),
		item(2022, "USA", "G", "N", "FI", "C", "9"),
	}, ",") + `]}`
	page2 := `{"page":2,"maxPages":2,"items":[` + strings.Join([]string{
		item(2022, "USA", "G", "N", "EO", "P", "40"),
		item(2022, "PAN", "G", "N", "FI", "C", "3"),
		item(2022, "ARE", "G", "N", "FI", "P", `"0"`),
		item(2022, "DEU", "J", "N", "FI", "P", "1"),
	}, ",") + `]}`
	obs, err := mapping.ExtractPages(context.Background(), forRun(t, s, "RU"), []mapping.Page{
		{Name: "page1", Body: []byte(page1)}, {Name: "page2", Body: []byte(page2)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range obs {
		c, err := transform.Canonicalize(o)
		if err != nil {
			t.Fatal(err)
		}
		got[c.Destination] = fmt.Sprintf("%v %s", c.Value, c.Flags)
	}
	want := map[string]string{"DE": "108 ", "BG": "30 NR", "US": "40 ", "PA": "3 C", "AE": "0 "}
	if len(got) != len(want) {
		t.Errorf("destinations %v, want %v", got, want)
	}
	for d, w := range want {
		if got[d] != w {
			t.Errorf("%s: %q, want %q", d, got[d], w)
		}
	}
}

// TestOriginByName: IRCC's and the State Department's whole files are
// filtered by the publisher's name of the run's origin: the country
// table's English short name, or the source's own spelling where it
// differs (IRCC: Turkey); Eurostat takes EL and UK, UNHCR alpha-3.
func TestOriginByName(t *testing.T) {
	filter := func(id, origin string) string {
		s, err := cat.Source(id)
		if err != nil {
			t.Fatal(err)
		}
		return forRun(t, s, origin).Map.Filter["citizenship"]
	}
	for _, c := range []struct{ id, origin, want string }{
		{"ca-ircc-pr-citizenship", "RU", "Russia"},
		{"ca-ircc-pr-citizenship", "UA", "Ukraine"},
		{"ca-ircc-pr-citizenship", "TR", "Turkey"},
		{"ca-ircc-tr-study", "KR", "Korea, Republic of"},
		{"us-dos-immigrant-visas", "BY", "Belarus"},
		{"us-dos-immigrant-visas", "TR", "Turkey"},
	} {
		if got := filter(c.id, c.origin); got != c.want {
			t.Errorf("%s for %s: filters %q, want %q", c.id, c.origin, got, c.want)
		}
	}
	for id, want := range map[string]string{"eurostat-migr_pop1ctz": "citizen=EL", "unhcr-asylum-applications": "coo=GRC"} {
		s, err := cat.Source(id)
		if err != nil {
			t.Fatal(err)
		}
		if u := forRun(t, s, "GR").Requests[0].URL; !strings.Contains(u, want) {
			t.Errorf("%s for GR asks %s, want %s", id, u, want)
		}
	}
}
