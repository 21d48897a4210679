package reliability

import (
	"bytes"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/formats"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
)

// sqlText is what a hostile or clumsy publisher might put in any text it
// sends: quotes of both kinds, semicolons, comments and statements.
const sqlText = `x'); DROP TABLE observations; -- "quoted" ; DELETE FROM runs WHERE '1'='1`

// TestHostileTextRoundTrips feeds sources whose flags, headers and values
// carry SQL. Everything the warehouse stores of it comes back byte for byte,
// no table is touched, and the archive's files are named by hashes only,
// whatever the answer's Content-Disposition says.
func TestHostileTextRoundTrips(t *testing.T) {
	t.Parallel()
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	opt := liveOptions(dir, srv)

	const flagged, garbled = "eurostat-migr_pop1ctz", "eurostat-migr_resfirst"
	contentType := `application/json; profile="` + sqlText + `"`
	srv.Set(flagged, func(w http.ResponseWriter, _ *http.Request, a Answer) {
		b, err := editJSONStat(a.Body, func(j *jsonStat) error { return j.setLastStatus(sqlText) })
		if err != nil {
			broken(w, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="../../../evil-`+sqlText+`.json"`)
		_, _ = w.Write(b)
	})
	srv.Set(garbled, editAnswer(func(_ Answer, j *jsonStat) error { return j.setLast(sqlText) }))

	sum, err := pipeline.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 1 || outcome(sum, garbled).Err == nil {
		t.Fatalf("want only %s to fail (its value is text): %v", garbled, failures(sum))
	}
	db, err := load.OpenReadOnly(t.Context(), opt.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var flags, ct, msg string
	if err := db.QueryRow(`SELECT flags FROM observations_current WHERE source_id = ? AND flags IS NOT NULL`, flagged).Scan(&flags); err != nil {
		t.Fatal(err)
	}
	if flags != sqlText {
		t.Errorf("flags = %q, want %q", flags, sqlText)
	}
	if err := db.QueryRow(`SELECT content_type FROM snapshots WHERE source_id = ?`, flagged).Scan(&ct); err != nil {
		t.Fatal(err)
	}
	if ct != contentType {
		t.Errorf("content_type = %q, want %q", ct, contentType)
	}
	if err := db.QueryRow(`SELECT error FROM run_sources WHERE source_id = ?`, garbled).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, strconv.Quote(sqlText)) {
		t.Errorf("run_sources.error = %q, want the value quoted verbatim", msg)
	}
	counts, err := ScanDB(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if counts["observations"] == 0 || counts["runs"] != 1 {
		t.Errorf("tables after the run: %v", counts)
	}
	checkArchiveFiles(t, opt.ArchiveDir, false)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), "evil") {
			t.Errorf("a header named a file: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var objectName = regexp.MustCompile(`^objects/([0-9a-f]{2})/([0-9a-f]{64})$`)

var tempObject = regexp.MustCompile(`^(objects/[0-9a-f]{2}/\.tmp|\.index)-[0-9]+$`)

// checkArchiveFiles checks that an archive holds only its manifest, the
// manifest's index and objects named by the hash of their content, and
// that every manifest line has its object. With allowTemp, it counts
// instead of refusing the temporary files of object and index writes a
// kill interrupted.
func checkArchiveFiles(t *testing.T, dir string, allowTemp bool) (temps int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == archive.ManifestName || rel == archive.IndexName {
			return nil
		}
		if allowTemp && tempObject.MatchString(rel) {
			temps++
			return nil
		}
		m := objectName.FindStringSubmatch(rel)
		if m == nil || m[2][:2] != m[1] {
			t.Errorf("archive file %s is not named by a hash", rel)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if archive.Sum(b) != m[2] {
			t.Errorf("archive object %s holds other content", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := a.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, err := a.Object(e.SHA256); err != nil {
			t.Errorf("manifest line of %s: %v", e.URL, err)
		}
	}
	return temps
}

// TestSecretsNeverLeak fetches through a mirror whose URL carries
// credentials (a caching proxy with a token) while sources fail in ways that
// put URLs into errors: a connection reset, a robots.txt refusal. The token
// appears in no log line, no outcome, no warehouse text and no archive file;
// neither do the credentials sent in a source's headers (GENESIS).
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-mirror-token"
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.SetRobots("User-agent: *\nDisallow: /am.sputniknews.ru/\n")
	srv.Inject("fi-statfin-muutl", FaultNamed("connection reset"))
	dir := t.TempDir()
	opt := liveOptions(dir, srv)
	for from, to := range opt.Fetch.Mirrors {
		opt.Fetch.Mirrors[from] = strings.Replace(to, "http://", "http://emigre:"+secret+"@", 1)
	}
	sum, err := pipeline.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 2 {
		t.Errorf("%d sources failed, want the 2 faulted: %v", sum.Failed, failures(sum))
	}
	if robots := outcome(sum, "am-migration-service-statement-2024-08"); robots.Err == nil || !strings.Contains(robots.Err.Error(), "robots.txt") {
		t.Errorf("the disallowed source: %v", robots.Err)
	}
	for _, msg := range failures(sum) {
		if strings.Contains(msg, secret) {
			t.Errorf("an outcome leaks the secret: %s", msg)
		}
	}
	for _, line := range logs.containing(secret) {
		t.Errorf("the log leaks the secret: %s", line)
	}
	text, err := Text(t.Context(), opt.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "fi-statfin-muutl") {
		t.Fatal("the warehouse text lacks the failed source: not a search of everything")
	}
	if o := outcome(sum, "de-destatis-genesis-12521"); o.Err != nil || o.Rows == 0 {
		t.Fatalf("the source sent with credentials did not load: %v", o.Err)
	}
	for _, s := range []string{secret, testCredential} {
		if strings.Contains(text, s) {
			t.Errorf("the warehouse holds the secret %q", s)
		}
		for _, line := range logs.containing(s) {
			t.Errorf("the log leaks the secret %q: %s", s, line)
		}
	}
	err = filepath.WalkDir(opt.ArchiveDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		for _, s := range []string{secret, testCredential} {
			if err == nil && bytes.Contains(b, []byte(s)) {
				t.Errorf("archive file %s holds the secret %q", p, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestXMLExternalEntitiesRefused feeds the XML readers documents whose DTD
// declares an external entity naming a local file, and uses it where a code
// and a value belong. The file's content reaches no cell and no error.
func TestXMLExternalEntitiesRefused(t *testing.T) {
	const marker = "emigre-xxe-marker-7f3a"
	local := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(local, []byte(marker), 0o644); err != nil {
		t.Fatal(err)
	}
	dtd := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://` + local + `">]>` + "\n"
	sheet := dtd + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>year</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c><c r="B2"><v>1</v></c></row></sheetData></worksheet>`
	zw, done := workbookWithout(t, "xl/worksheets/sheet1.xml")
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte(sheet))
	for _, tc := range []struct {
		format string
		body   []byte
		params map[string]string
	}{
		{formats.SDMXML, []byte(dtd + `<m:StructureSpecificData xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">` +
			`<DataSet><Series REF_AREA="&xxe;"><Obs TIME_PERIOD="2021" OBS_VALUE="1"/></Series></DataSet></m:StructureSpecificData>`), nil},
		{formats.XLSX, done(), map[string]string{"dim.year": "year", "value": "value"}},
	} {
		// A renamed or unregistered reader fails the test: skipping it
		// would turn the check into a no-op.
		r, err := extractors.ReaderFor(tc.format)
		if err != nil {
			t.Errorf("no %s reader: %v", tc.format, err)
			continue
		}
		var seen []string
		err = r.Read(t.Context(), extractors.Input{Name: "xxe." + tc.format, Body: bytes.NewReader(tc.body), Params: tc.params},
			func(c extractors.Cell) error {
				seen = append(seen, strings.Join(c.Codes, " ")+" "+c.Status)
				return nil
			})
		t.Logf("%s: %d cells, error: %v", tc.format, len(seen), err)
		if err != nil && strings.Contains(err.Error(), marker) {
			t.Errorf("%s: the error holds the local file's content: %v", tc.format, err)
		}
		for _, s := range seen {
			if strings.Contains(s, marker) {
				t.Errorf("%s: a cell holds the local file's content: %s", tc.format, s)
			}
		}
	}
}
