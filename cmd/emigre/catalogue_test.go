package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A user's catalogue folder: a publisher and one statement source. The
// figure is made up for this test (never in the sample archive).
var userCatalogue = map[string]string{
	"publishers.yaml": `- id: xk-interior
  name: Ministry of Internal Affairs of Kosovo
  homepage: https://mpb.rks-gov.net
  licence: quotation for reporting
`,
	"sources/xk-interior-statement-2024.yaml": `id: xk-interior-statement-2024
publisher: xk-interior
destination: XK
dataset: statement
title: Russian citizens with residence in Kosovo (statement, 2024; made-up test figure)
format: statement
requests: [{url: "https://mpb.rks-gov.net/news/2024/residence"}]
cadence: ad hoc
lag_months: 0
priority: 10
verified: {how: publisher page, evidence: "A test page."}
statement:
  citizenship: RU
  kind: stock
  measure: permits_valid
  ref_date: 2024-06-30
  said_on: 2024-07-02
  speaker: {body: Ministry of Internal Affairs of Kosovo}
  quote: 812 Russian citizens hold residence permits.
  translation: Published in English.
  pattern: '(\d[\d,]*) Russian citizens hold'
notes: Made up for this test.
`,
}

func writeCatalogue(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCatalogueFolderFromFlagAndConfig(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := writeCatalogue(t, userCatalogue)
	code, out, errs := run(t, "sources", "--json", "--catalogue", dir)
	if code != exitOK || !strings.Contains(out, `"id": "xk-interior-statement-2024"`) || !strings.Contains(out, `"statement_kind": "stock"`) {
		t.Fatalf("--catalogue: exit %d, stderr %s", code, errs)
	}
	if err := os.WriteFile("emigre.yaml", []byte("catalogue: "+dir+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, "sources"); code != exitOK || !strings.Contains(out, "xk-interior-statement-2024") {
		t.Errorf("config key catalogue: exit %d", code)
	}
}

func TestBrokenCatalogueFolderIsAUsageError(t *testing.T) {
	t.Chdir(t.TempDir())
	files := map[string]string{}
	for k, v := range userCatalogue {
		files[k] = v
	}
	files["sources/xk-interior-statement-2024.yaml"] = strings.Replace(files["sources/xk-interior-statement-2024.yaml"], "cadence: ad hoc", "cadence: weekly", 1)
	dir := writeCatalogue(t, files)
	code, _, errs := run(t, "run", "--offline", "--catalogue", dir)
	if code != exitUsage || !strings.Contains(errs, "xk-interior-statement-2024.yaml:8: cadence:") {
		t.Errorf("exit %d, stderr %q: want exit 2 naming the file, line and field", code, errs)
	}
}

// TestSourcesJSONSaysWhatEachStatementCounts checks `emigre sources --json`
// on the embedded catalogue: every statement says its kind, its speaker,
// when it was said and whose page it is read from, and a relayed one what
// the page relays.
func TestSourcesJSONSaysWhatEachStatementCounts(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errs := run(t, "sources", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	statements := 0
	for _, r := range rows {
		if r["format"] != "statement" {
			continue
		}
		statements++
		id := r["id"]
		switch r["statement_kind"] {
		case "stock", "change", "flow":
		default:
			t.Errorf("%s: statement_kind %v", id, r["statement_kind"])
		}
		for _, k := range []string{"speaker", "said_on"} {
			if s, _ := r[k].(string); s == "" {
				t.Errorf("%s: no %s", id, k)
			}
		}
		pages, _ := r["statement_pages"].([]any)
		if len(pages) == 0 {
			t.Errorf("%s: no statement_pages", id)
		}
		for _, p := range pages {
			if s, _ := p.(string); strings.HasPrefix(s, "relay:") && r["relay_of"] == nil {
				t.Errorf("%s: read from a relay (%s) without relay_of", id, s)
			}
		}
	}
	if statements == 0 {
		t.Error("no statement in the embedded catalogue")
	}
}
