package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSourcesSayWhatTheyCoverAndNeed checks what `emigre sources` tells a
// user before a live run: each source's destinations (every country of a
// multi-country answer), whether the sample holds its answer, and which
// environment variable a keyed API needs, as set or not and as the config
// renames it.
func TestSourcesSayWhatTheyCoverAndNeed(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("ESTAT_APP_ID", "")
	t.Setenv("MY_KOSIS_KEY", "k-123")
	cfg := filepath.Join(t.TempDir(), "emigre.yaml")
	if err := os.WriteFile(cfg, []byte("credentials:\n  kr-moj-kosis-foreign-residents: {apikey: MY_KOSIS_KEY}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "sources", "--json", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []sourceInfo
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	byID := map[string]sourceInfo{}
	for _, r := range rows {
		if len(r.Covers) == 0 || r.Availability == "" {
			t.Errorf("%s: covers %v, availability %q", r.ID, r.Covers, r.Availability)
		}
		byID[r.ID] = r
	}
	tr := byID["tr-tuik-international-migration"]
	if tr.Availability != inSample || !tr.FeedsEstimate || !slices.Equal(tr.Covers, []string{"TR"}) || !tr.Configured {
		t.Errorf("TÜİK: %+v", tr)
	}
	for _, id := range []string{"unhcr-asylum-applications", "eurostat-migr_asyappctza"} {
		if s, ok := byID[id]; !ok || s.FeedsEstimate {
			t.Errorf("%s (listed: %t): asylum applications alone never feed an estimate", id, ok)
		}
	}
	if !strings.Contains(out, `"verified": {`) || !strings.Contains(out, `"how": "documentation"`) {
		t.Error(`each source's "verified" says "how" (lower-case keys like every other field)`)
	}
	jp := byID["jp-isa-estat-foreign-residents"]
	if jp.Availability != liveOnly || jp.Configured || len(jp.Credentials) != 1 || jp.Credentials[0].Env != "ESTAT_APP_ID" || jp.Credentials[0].Set {
		t.Errorf("e-Stat without its id: %+v", jp)
	}
	kr := byID["kr-moj-kosis-foreign-residents"]
	if !kr.Configured || len(kr.Credentials) != 1 || kr.Credentials[0].Env != "MY_KOSIS_KEY" || !kr.Credentials[0].Set {
		t.Errorf("KOSIS with the config's variable set: %+v", kr)
	}
	if strings.Contains(out, "k-123") {
		t.Error("a credential's value is printed")
	}
	oecd := byID["oecd-imd-migration"]
	if oecd.Destination != "" || len(oecd.Covers) < 30 || !slices.Contains(oecd.Covers, "JP") {
		t.Errorf("a multi-country source lists every country of its answer: %v", oecd.Covers)
	}

	code, out, _ = run(t, "sources", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"live-only, needs ESTAT_APP_ID", "38 countries", "with a source that feeds an estimate", "(checked 20"} {
		if !strings.Contains(out, want) {
			t.Errorf("the listing lacks %q", want)
		}
	}
}

// TestOfflineSummaryNamesLiveOnlySourcesWithoutFailing checks the summary
// of an offline run: the live-only sources are named as not in the sample
// archive, never listed as failures.
func TestOfflineSummaryNamesLiveOnlySourcesWithoutFailing(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errs := run(t, "run", "--offline", "--db", filepath.Join(t.TempDir(), "w.duckdb"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "FAILED") {
		t.Errorf("a source not in the sample is listed as failed:\n%s", out)
	}
	if !strings.Contains(out, "not in the sample archive (a live run fetches them): ") || !strings.Contains(out, "jp-isa-estat-foreign-residents") {
		t.Errorf("the summary does not name the live-only sources:\n%s", out)
	}
}

// TestDocsQuoteTheSampleHeadline: the sentence the README and the method
// quote as what `emigre run --offline` says is the sentence today's sample
// run says, so the figures on the first page a user reads are never stale.
func TestDocsQuoteTheSampleHeadline(t *testing.T) {
	docs := map[string]string{}
	for _, doc := range []string{"README.md", "docs/method.md"} {
		docs[doc] = readRepoFile(t, doc)
	}
	t.Chdir(t.TempDir())
	code, out, errs := run(t, "run", "--offline", "--db", filepath.Join(t.TempDir(), "w.duckdb"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var said string
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "The total is ") {
			said = strings.TrimSpace(line)
		}
	}
	if said == "" {
		t.Fatalf("the summary has no headline sentence:\n%s", out)
	}
	for doc, text := range docs {
		var quoted []string
		for line := range strings.Lines(text) {
			if strings.HasPrefix(line, "> ") && (len(quoted) > 0 || strings.HasPrefix(line, "> The total is ")) {
				quoted = append(quoted, strings.TrimSpace(strings.TrimPrefix(line, "> ")))
			} else if len(quoted) > 0 {
				break
			}
		}
		if got := strings.Join(quoted, " "); got != said {
			t.Errorf("%s quotes the sample run as\n  %q\nbut it says\n  %q", doc, got, said)
		}
	}
}
