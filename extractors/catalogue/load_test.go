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
	base, err := MustDefault().Source("rs-mup-statement-2023-05")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := embedded.ReadFile("sources/rs/rs-mup-statement-2023-05.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(orig), "priority: 10", "priority: 5", 1)
	dir := writeFolder(t, map[string]string{"mine/rs-mup-statement-2023-05.yaml": changed})
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
