package archive

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPutLatestObject(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	url := "https://example.org/data?x=1"
	e1, err := a.Put([]byte("v1"), Entry{Source: "s", Method: "GET", URL: url, Status: 200, ETag: `"1"`, FetchedAt: time.Unix(1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Put([]byte("v2"), Entry{Source: "s", Method: "GET", URL: url, Status: 200, ETag: `"2"`, FetchedAt: time.Unix(2, 0)}); err != nil {
		t.Fatal(err)
	}
	// A 304 records the check but does not replace the newest body.
	if _, err := a.Put(nil, Entry{Source: "s", Method: "GET", URL: url, Status: 304, SHA256: e1.SHA256}); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := reopened.Latest("GET", url, "")
	if !ok || e.ETag != `"2"` {
		t.Fatalf("latest = %+v, %v; want the v2 entry", e, ok)
	}
	b, err := reopened.Object(e.SHA256)
	if err != nil || string(b) != "v2" {
		t.Fatalf("object = %q, %v", b, err)
	}
	if n := len(entries(t, reopened)); n != 3 {
		t.Errorf("manifest has %d lines, want 3", n)
	}
	// The same body is stored once.
	if _, err := a.Put([]byte("v2"), Entry{Source: "other", Method: "GET", URL: url + "&y", Status: 200}); err != nil {
		t.Fatal(err)
	}
	objs, _ := filepath.Glob(filepath.Join(dir, "objects", "*", "*"))
	if len(objs) != 2 {
		t.Errorf("%d objects stored, want 2 (content-addressed)", len(objs))
	}
}

func TestTornManifestLineIsSkipped(t *testing.T) {
	dir := t.TempDir()
	a, _ := Open(dir)
	if _, err := a.Put([]byte("ok"), Entry{Source: "s", Method: "GET", URL: "u", Status: 200}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(filepath.Join(dir, ManifestName), os.O_APPEND|os.O_WRONLY, 0)
	if _, err := f.WriteString(`{"source":"s","method":"GET","url":"u2","sta`); err != nil { // a crash mid-append
		t.Fatal(err)
	}
	f.Close()
	b, err := Open(dir)
	if err != nil {
		t.Fatalf("a torn last line must not lose the archive: %v", err)
	}
	if _, ok := b.Latest("GET", "u", ""); !ok {
		t.Error("the complete line was lost")
	}
	// The next run appends after the torn line, not onto it.
	if _, err := b.Put([]byte("next"), Entry{Source: "s", Method: "GET", URL: "u3", Status: 200}); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Latest("GET", "u3", ""); !ok {
		t.Error("the line appended after a torn line was lost")
	}
}

func TestObjectPathsComeFromHashesOnly(t *testing.T) {
	a, _ := Open(t.TempDir())
	for _, bad := range []string{"../../etc/passwd", strings.Repeat("A", 64), "ab", ""} {
		if _, err := a.Object(bad); err == nil {
			t.Errorf("Object(%q) must be refused", bad)
		}
	}
	// A corrupted object is detected, not served.
	e, _ := a.Put([]byte("good"), Entry{Source: "s", Method: "GET", URL: "u", Status: 200})
	if err := os.WriteFile(filepath.Join(a.Dir(), "objects", e.SHA256[:2], e.SHA256), []byte("evil"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Object(e.SHA256); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt object: err = %v", err)
	}
}

func TestReplay(t *testing.T) {
	a, _ := Open(t.TempDir())
	body := `{"a":1}`
	if _, err := a.Put([]byte(body), Entry{Source: "s", Method: "POST", URL: "https://x.org/api", RequestSHA256: HashBytes([]byte("q")),
		Status: 200, ETag: `"e"`, Header: map[string]string{"Content-Type": "application/json"}}); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: Replay{Archive: a}}

	resp, err := client.Post("https://x.org/api", "application/json", strings.NewReader("q"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(got) != body || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("replay = %d %q %q", resp.StatusCode, got, resp.Header.Get("Content-Type"))
	}
	// Another body is another request.
	if resp, _ := client.Post("https://x.org/api", "application/json", strings.NewReader("other")); resp.StatusCode != 404 {
		t.Errorf("a different POST body answered %d, want 404", resp.StatusCode)
	}
	// robots.txt the archive never saw: 404, which colly reads as allow-all.
	if resp, _ := client.Get("https://x.org/robots.txt"); resp.StatusCode != 404 {
		t.Errorf("robots.txt answered %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", "https://x.org/api", strings.NewReader("q"))
	req.Header.Set("If-None-Match", `"e"`)
	if resp, _ := client.Do(req); resp.StatusCode != 304 {
		t.Errorf("conditional replay answered %d, want 304", resp.StatusCode)
	}
}

// entries is a.Entries(), failing the test on an error.
func entries(t *testing.T, a *Archive) []Entry {
	t.Helper()
	es, err := a.Entries()
	if err != nil {
		t.Fatal(err)
	}
	return es
}
