package catalogue

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFolder writes a user's catalogue folder: path -> content.
func writeFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// aStatement is a user's statement source, complete.
const aStatement = `id: xk-interior-statement-2024
publisher: xk-interior
destination: XK
dataset: statement
title: Russian citizens with residence in Kosovo (statement, 2024)
format: statement
requests:
  - url: https://mpb.rks-gov.net/news/2024/residence
cadence: ad hoc
lag_months: 0
priority: 10
verified:
  how: publisher page
  evidence: The ministry's news page, read 2026-01-03.
statement:
  citizenship: RU
  kind: stock
  measure: permits_valid
  ref_date: 2024-06-30
  said_on: 2024-07-02
  read_on: 2026-01-03
  speaker: {body: Ministry of Internal Affairs of Kosovo}
  quote: 812 Russian citizens hold residence permits.
  translation: Published in English.
  pattern: '(\d[\d,]*) Russian citizens hold'
notes: A made-up statement for this test; never in the sample.
expected:
  - {metric: statement, period: "2024-06-30", value: 812}
`

const aPublisher = `- id: xk-interior
  name: Ministry of Internal Affairs of Kosovo
  homepage: https://mpb.rks-gov.net
  licence: quotation for reporting
  domains: [mpb.rks-gov.net]
`

func TestUserFolderAddsASource(t *testing.T) {
	dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher, "sources/xk/xk-interior-statement-2024.yaml": aStatement})
	c, err := Load(embedded, dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Source("xk-interior-statement-2024")
	if err != nil {
		t.Fatal(err)
	}
	if s.Publisher != "Ministry of Internal Affairs of Kosovo" || s.Licence != "quotation for reporting" ||
		s.Statement.Kind != "stock" || s.Statement.ReadOn.Format("2006-01-02") != "2026-01-03" || s.File != filepath.Join(dir, "sources/xk/xk-interior-statement-2024.yaml") {
		t.Errorf("source %+v", s)
	}
	if got, want := len(c.Sources()), len(MustDefault().Sources())+1; got != want {
		t.Errorf("%d sources, want the embedded %d and the user's", got, want-1)
	}
	if e := c.Entry(s.ID); len(e.Expected) != 1 || e.Expected[0].Value != 812 {
		t.Errorf("expected %+v", e.Expected)
	}
}

func TestUserFolderOverridesASourceByID(t *testing.T) {
	base, err := MustDefault().Source("kr-kis-statement-2023")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := embedded.ReadFile("sources/kr/kr-kis-statement-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(orig), "priority: 10", "priority: 5", 1)
	dir := writeFolder(t, map[string]string{"mine/kr-kis-statement-2023.yaml": changed})
	c, err := Load(embedded, dir)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.Source(base.ID)
	if s.Priority != 5 || base.Priority != 10 || len(c.Sources()) != len(MustDefault().Sources()) {
		t.Errorf("priority %d (embedded %d), %d sources", s.Priority, base.Priority, len(c.Sources()))
	}
}

// TestProblemsNameFileLineAndField feeds the loader broken files and checks
// each problem says where it is and what is wrong.
func TestProblemsNameFileLineAndField(t *testing.T) {
	for _, c := range []struct {
		name, edit, want string
	}{
		{"unknown key", "lag_months: 0\n", "lag_months: 0\nlagmonths: 3\n"},
		{"bad cadence", "cadence: ad hoc", "cadence: weekly"},
		{"bad date", "said_on: 2024-07-02", "said_on: 2024-13-02"},
		{"bad kind", "kind: stock", "kind: stocks"},
		{"bad type", "priority: 10", "priority: ten"},
		{"unknown publisher", "publisher: xk-interior", "publisher: xk-nobody"},
		{"http url", "https://mpb.rks-gov.net/news/2024/residence", "http://mpb.rks-gov.net/news/2024/residence"},
		{"pattern without group", `pattern: '(\d[\d,]*) Russian citizens hold'`, `pattern: 'Russian citizens hold'`},
		{"stock with since", "ref_date: 2024-06-30\n", "ref_date: 2024-06-30\n  since: 2022-01-01\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(aStatement, c.edit, c.want, 1)
			if doc == aStatement {
				t.Fatalf("edit %q not applied", c.edit)
			}
			dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher, "xk-interior-statement-2024.yaml": doc})
			_, err := Load(embedded, dir)
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("err = %v, want catalogue problems", err)
			}
			p := ce.Problems[0]
			// The problem's line is the line the edit wrote (its last line).
			wrote := strings.Split(strings.TrimSuffix(c.want, "\n"), "\n")
			line := 1 + strings.Count(doc[:strings.Index(doc, wrote[len(wrote)-1])], "\n")
			if !strings.HasSuffix(p.File, "xk-interior-statement-2024.yaml") || p.Line != line {
				t.Errorf("problem %q: want the file and line %d", p, line)
			}
			if p.Field == "" && !strings.Contains(p.Msg, "field") {
				t.Errorf("problem %q names no field", p)
			}
			t.Log(p)
		})
	}
}

// TestStatementPagesAndSeries checks what a statement's figures may be: a
// page may give several figures of one series, each period once; every
// request gives a figure; an earlier figure is of the same series; a flow
// says its period.
func TestStatementPagesAndSeries(t *testing.T) {
	const page = "https://mpb.rks-gov.net/news/2024/residence"
	earlier := func(extra string) string {
		return strings.Replace(aStatement, "notes:", `  earlier:
    - url: `+page+`
      kind: stock
      measure: permits_valid
      ref_date: 2023-06-30
      said_on: 2024-07-02
      speaker: {body: Ministry of Internal Affairs of Kosovo}
      quote: 700 Russian citizens held permits a year before.
      translation: Published in English.
      pattern: '(\d+) Russian citizens held'
`+extra+"notes:", 1)
	}
	for _, c := range []struct{ name, doc, want string }{
		{"same page, another period", earlier(""), ""},
		{"same page, same period", strings.Replace(earlier(""), "ref_date: 2023-06-30", "ref_date: 2024-06-30", 1),
			"refers to a date before the latest's"},
		{"another series", strings.Replace(earlier(""), "      measure: permits_valid", "      measure: resident_stock", 1),
			"of the same series"},
		{"a request giving no figure", strings.Replace(aStatement, "cadence:", "  - url: https://mpb.rks-gov.net/news/2023\ncadence:", 1),
			"gives none of the statement's figures"},
		{"a flow without its period", strings.Replace(aStatement, "kind: stock", "kind: flow\n  flow: arrivals", 1),
			"a flow statement says its period"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher, "xk-interior-statement-2024.yaml": c.doc})
			cat, err := Load(embedded, dir)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				s, _ := cat.Source("xk-interior-statement-2024")
				if figs := s.StatementFigures(page); len(figs) != 2 {
					t.Errorf("%d figures read from the page, want 2", len(figs))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestUnknownFieldListsTheAcceptedOnes(t *testing.T) {
	dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher,
		"xk-interior-statement-2024.yaml": strings.Replace(aStatement, "lag_months: 0", "lag_month: 0", 1)})
	_, err := Load(embedded, dir)
	if err == nil || !strings.Contains(err.Error(), `unknown field "lag_month"`) || !strings.Contains(err.Error(), "lag_months") {
		t.Errorf("err = %v", err)
	}
}

func TestAnIDTwiceInOneFolderIsAProblem(t *testing.T) {
	dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher,
		"a/xk-interior-statement-2024.yaml": aStatement, "b/xk-interior-statement-2024.yaml": aStatement})
	if _, err := Load(embedded, dir); err == nil || !strings.Contains(err.Error(), "is also the id of") {
		t.Errorf("err = %v", err)
	}
}

func TestOpenRefusesAMissingFolder(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("a catalogue folder that does not exist must be an error, not the embedded catalogue")
	}
}

// A census day and optional credentials are checked like every field: a
// stock's day must be MM-DD, and a source cannot make every credential
// optional (it would be sent with none).
func TestStockDayAndOptionalCredentialsAreChecked(t *testing.T) {
	orig, err := os.ReadFile("sources/de/de-destatis-genesis-12521.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ edit, want, field, msg string }{
		{"stock_at: end", "stock_at: 31-12", "map.stock_at", "MM-DD"},
		{"{name: user, env: GENESIS_USER}", "{name: user, env: GENESIS_USER, optional: true}", "credentials", "every credential is optional"},
	} {
		doc := strings.Replace(string(orig), c.edit, c.want, 1)
		if doc == string(orig) {
			t.Fatalf("edit %q not applied", c.edit)
		}
		_, err := Load(embedded, writeFolder(t, map[string]string{"de-destatis-genesis-12521.yaml": doc}))
		var ce *Error
		if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Field != c.field || !strings.Contains(ce.Problems[0].Msg, c.msg) {
			t.Errorf("%s: %v, want one problem at %s saying %q", c.want, err, c.field, c.msg)
		}
	}
	if _, err := Load(embedded, writeFolder(t, map[string]string{"de-destatis-genesis-12521.yaml": strings.Replace(string(orig),
		"stock_at: end", "stock_at: 12-31", 1)})); err != nil {
		t.Errorf("stock_at 12-31: %v", err)
	}
}

// aMultiCountry is a user's source answering for several countries, made
// up for the test (its figures would be a publisher's, never these).
const aMultiCountry = `id: xk-nordic-immigration
publisher: xk-interior
dataset: nordic
title: Immigration by citizenship, several countries
format: jsonstat
origin_code: alpha2
covers: ["IS", "NO", "DK"]
requests:
  - url: https://mpb.rks-gov.net/api/nordic?citizen={origin}&page=1
    paging: {param: page, page: page, pages: maxPages}
map:
  time: time
  destination: geo
  citizenship: citizen
  filter: {unit: NR}
  fallback:
    - {unit: PER}
  metric: immigration
cadence: annual
lag_months: 6
priority: 10
per_destination:
  "NO": {priority: 20, note: Norway's register is preferred.}
verified:
  how: documentation
  evidence: A made-up source for this test, read 2026-01-03.
notes: A made-up source for this test; never in the sample.
`

func TestMultiCountrySourceProblems(t *testing.T) {
	dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher, "xk-nordic-immigration.yaml": aMultiCountry})
	c, err := Load(embedded, dir)
	if err != nil {
		t.Fatalf("the complete source: %v", err)
	}
	s, _ := c.Source("xk-nordic-immigration")
	if s.PriorityFor("NO") != 20 || s.PriorityFor("IS") != 10 || s.Requests[0].Paging == nil || len(s.Map.Fallback) != 1 {
		t.Errorf("read: priorities %d %d, paging %v, fallback %v", s.PriorityFor("NO"), s.PriorityFor("IS"), s.Requests[0].Paging, s.Map.Fallback)
	}
	for _, e := range []struct{ name, edit, want, field string }{
		{"no covers", `covers: ["IS", "NO", "DK"]` + "\n", "", "covers"},
		{"Eurostat's code in covers", `"DK"]`, `"UK"]`, "covers"},
		{"a destination it does not cover", `"NO": {priority`, `"SE": {priority`, "per_destination.SE"},
		{"a priority without its reason", ` note: Norway's register is preferred.`, "", "per_destination.NO"},
		{"paging without the page count", `pages: maxPages`, `pages: ""`, "requests[0].paging"},
		{"paging without the page in the address", `&page=1`, ``, "requests[0].paging"},
		{"a fallback for no filter", `{unit: PER}`, `{sex: T}`, "map.fallback[0].sex"},
		{"origin names for another code system", "origin_code: alpha2\n", "origin_code: alpha2\norigin_names: {TR: Turkey}\n", "origin_names"},
	} {
		t.Run(e.name, func(t *testing.T) {
			doc := strings.Replace(aMultiCountry, e.edit, e.want, 1)
			if doc == aMultiCountry {
				t.Fatalf("edit %q not applied", e.edit)
			}
			dir := writeFolder(t, map[string]string{"publishers.yaml": aPublisher, "xk-nordic-immigration.yaml": doc})
			_, err := Load(embedded, dir)
			var ce *Error
			if !errors.As(err, &ce) || !slices.ContainsFunc(ce.Problems, func(p Problem) bool { return p.Field == e.field }) {
				t.Errorf("err = %v, want a problem with %s", err, e.field)
			}
		})
	}
}

// {origin} may sit in a filter (a file of every nationality), and
// origin_code says its code system: one of the known ones, and only when
// something uses the placeholder.
func TestOriginInAFilterIsChecked(t *testing.T) {
	const file = "gb-home-office-entry-clearance-visas.yaml"
	orig, err := os.ReadFile("sources/gb/" + file)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ edit, want, msg string }{
		{"origin_code: name", "origin_code: iso", `"iso": want one of alpha2, alpha3, eurostat, name`},
		{"nationality: '{origin}'", "nationality: Russia", "neither a request, a parameter nor a filter uses {origin}"},
		{"origin_code: name\n", "", "the source uses {origin}: say its code system"},
	} {
		doc := strings.Replace(string(orig), c.edit, c.want, 1)
		if doc == string(orig) {
			t.Fatalf("edit %q not applied", c.edit)
		}
		_, err := Load(embedded, writeFolder(t, map[string]string{file: doc}))
		var ce *Error
		if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Field != "origin_code" || !strings.Contains(ce.Problems[0].Msg, c.msg) {
			t.Errorf("%q: %v, want one problem at origin_code saying %q", c.want, err, c.msg)
		}
	}
	if code, err := OriginIn("name", "RU"); err != nil || code != "Russia" {
		t.Errorf("OriginIn(name, RU) = %q, %v; want Russia", code, err)
	}
}
