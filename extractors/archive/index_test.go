package archive

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// putMany appends n answers for 40 addresses, every fifth a 304, and
// returns what Latest must give per address.
func putMany(t *testing.T, a *Archive, n, from int) map[string]Entry {
	t.Helper()
	want := map[string]Entry{}
	for i := from; i < from+n; i++ {
		url := fmt.Sprintf("https://example.org/data/%d", i%40)
		e := Entry{Source: "s", Method: "GET", URL: url, Status: 200, FetchedAt: time.Unix(int64(i), 0).UTC()}
		body := []byte(fmt.Sprintf("answer %d", i))
		if i%5 == 4 {
			e.Status, e.SHA256 = 304, Sum([]byte("unchanged"))
			body = nil
		}
		got, err := a.Put(body, e)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == 200 {
			want[url] = got
		}
	}
	return want
}

func checkLatest(t *testing.T, a *Archive, want map[string]Entry) {
	t.Helper()
	for url, w := range want {
		got, ok := a.Latest("GET", url, "")
		if !ok || got.SHA256 != w.SHA256 || !got.FetchedAt.Equal(w.FetchedAt) {
			t.Errorf("Latest(%s) = %v %s at %v, want %s at %v", url, ok, got.SHA256, got.FetchedAt, w.SHA256, w.FetchedAt)
		}
	}
}

// An open reads only the manifest's lines after the index, and gives the
// same newest answers as reading it whole.
func TestIndexReadsOnlyTheLinesAfterIt(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := putMany(t, a, 300, 0)
	a, err = Open(dir) // reads 300 lines, writes the index
	if err != nil {
		t.Fatal(err)
	}
	if a.decoded != 300 {
		t.Errorf("first open decoded %d lines, want 300", a.decoded)
	}
	if _, err := os.Stat(filepath.Join(dir, IndexName)); err != nil {
		t.Fatalf("no index after reading 300 lines: %v", err)
	}
	for k, v := range putMany(t, a, 7, 300) {
		want[k] = v
	}
	a, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.decoded != 7 {
		t.Errorf("an open after the index decoded %d lines, want the 7 after it", a.decoded)
	}
	checkLatest(t, a, want)
	if n := len(entries(t, a)); n != 307 {
		t.Errorf("Entries() gives %d lines, want all 307", n)
	}

	// Read whole, without the index: the same answers.
	if err := os.Remove(filepath.Join(dir, IndexName)); err != nil {
		t.Fatal(err)
	}
	a, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.decoded != 307 {
		t.Errorf("without the index an open decoded %d lines, want 307", a.decoded)
	}
	checkLatest(t, a, want)
}

// An index that does not match the manifest (a manifest replaced, or an
// index that does not decode) is ignored: the manifest is the record.
func TestIndexThatDoesNotMatchIsIgnored(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	putMany(t, a, 300, 0)
	if _, err := Open(dir); err != nil { // writes the index
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, IndexName))
	if err != nil {
		t.Fatal(err)
	}

	// Another manifest, as long as the indexed one: other answers.
	manifest := filepath.Join(dir, ManifestName)
	if err := os.Rename(manifest, manifest+".old"); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := putMany(t, b, 300, 1000)
	if err := os.WriteFile(filepath.Join(dir, IndexName), index, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.decoded != 300 {
		t.Errorf("with another manifest's index an open decoded %d lines, want all 300", b.decoded)
	}
	checkLatest(t, b, want)

	if err := os.WriteFile(filepath.Join(dir, IndexName), []byte(`{"version":1,"covers":`), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.decoded != 300 {
		t.Errorf("with a torn index an open decoded %d lines, want all 300", b.decoded)
	}
	checkLatest(t, b, want)
}

// A replay creates nothing in the archive, an index included; it reads an
// index a live run wrote.
func TestReplayWritesNoIndex(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := putMany(t, a, 300, 0)
	r, err := OpenReplay(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, IndexName)); !os.IsNotExist(err) {
		t.Errorf("a replay wrote an index: %v", err)
	}
	checkLatest(t, r, want)
	if _, err := Open(dir); err != nil { // a live open writes it
		t.Fatal(err)
	}
	if r, err = OpenReplay(dir); err != nil {
		t.Fatal(err)
	}
	if r.decoded != 0 {
		t.Errorf("a replay after the index decoded %d lines, want 0", r.decoded)
	}
	checkLatest(t, r, want)
}
