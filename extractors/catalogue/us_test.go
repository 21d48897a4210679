package catalogue_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestUSVisaFilesAgainstTheirLines checks the State Department's per-month
// files (as a public repository parsed them) month by month: each month's
// observation is the sum, computed here with encoding/json over the shared
// files, of Russia's issuances in the classes the source keeps; the
// immigrant visas also against the month totals another decoder made.
func TestUSVisaFilesAgainstTheirLines(t *testing.T) {
	const dir = "../../../shared/realdata/chapmanjacobd-us_visa_statistics__nonimmigrant_data_RU"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared files not available (%v)", err)
	}
	niv, err := cat.Source("us-dos-nonimmigrant-visas")
	if err != nil {
		t.Fatal(err)
	}
	for _, never := range []string{"B1/B2", "B1", "B2", "C1/D", "C1", "D", "H4", "F2", "J2", "L2"} {
		if _, ok := niv.Map.Metrics[never]; ok {
			t.Errorf("class %s is not a long-term principal class", never)
		}
	}
	have := byMonth(t, sampleOf(t, niv.ID))
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	checked := 0
	for _, f := range files {
		month := strings.TrimSuffix(filepath.Base(f), "-01.jsonl")
		if month < "2022-01" {
			continue
		}
		want := 0.0
		for _, r := range jsonLines(t, f) {
			if _, ok := niv.Map.Metrics[r["Visa Class"]]; ok && r["Nationality"] == "Russia" {
				want += count(t, r["Issuances"])
			}
		}
		if have[month] != want {
			t.Errorf("%s: %v, the file's classes sum to %v", month, have[month], want)
		}
		checked++
	}
	if checked != len(niv.Requests) || len(have) != checked {
		t.Errorf("%d files checked, %d requests, %d months read", checked, len(niv.Requests), len(have))
	}

	iv := byMonth(t, sampleOf(t, "us-dos-immigrant-visas-2024"))
	rows := sharedDerived(t, "russia__us_dos_iv_issuances_RU_monthly_2024-04_2025-05.csv")
	if len(rows) != len(iv) || len(rows) < 14 {
		t.Errorf("%d months read, %d in the extract", len(iv), len(rows))
	}
	for _, r := range rows {
		if want := atof(t, r["total_iv"]); iv[r["month"]] != want {
			t.Errorf("immigrant visas %s: %v, the extract %v", r["month"], iv[r["month"]], want)
		}
	}
}

func jsonLines(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		r := map[string]string{}
		for k, v := range raw {
			if s, ok := v.(string); ok {
				r[k] = s
			}
		}
		out = append(out, r)
	}
	return out
}

func count(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}
