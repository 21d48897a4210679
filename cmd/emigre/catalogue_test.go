package main

import (
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
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
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
	os.WriteFile("emigre.yaml", []byte("catalogue: "+dir+"\n"), 0o644)
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
