package fetch

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// TestSecretsAreSentNeverKept sends a credential in the query and a header,
// and checks the archive, the manifest and errors keep the placeholders.
func TestSecretsAreSentNeverKept(t *testing.T) {
	const key = "s3cr3t-app-id"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case r.URL.Query().Get("appId") != key || r.Header.Get("X-Key") != key:
			http.Error(w, "no key", http.StatusUnauthorized)
		case r.URL.Path == "/fail":
			http.Error(w, "boom", http.StatusInternalServerError)
		default:
			_, _ = w.Write([]byte(`{"ok":true}`))
		}
	}))
	defer srv.Close()
	source := func(path string) *extractors.Source {
		return &extractors.Source{ID: "jp-test-estat", Requests: []extractors.Request{{
			URL: srv.URL + path + "?appId={appid}&statsDataId=1", Header: map[string]string{"X-Key": "{appid}"},
			Secrets: map[string]string{"appid": key},
		}}}
	}
	dir := t.TempDir()
	arch, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testFetchConfig()
	cfg.Retries = 0
	res := NewFetcher(cfg, arch).FetchAll(context.Background(), []*extractors.Source{source("/data"), source("/fail")})
	if res[0].Err != nil {
		t.Fatalf("the key was not sent: %v", res[0].Err)
	}
	if res[1].Err == nil || strings.Contains(res[1].Err.Error(), key) {
		t.Errorf("error %v: want a failure that does not show the key", res[1].Err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, archive.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(manifest), key) {
		t.Error("the manifest holds the key")
	}
	var e archive.Entry
	if err := json.Unmarshal([]byte(strings.SplitN(string(manifest), "\n", 2)[0]), &e); err != nil || !strings.Contains(e.URL, "appId={appid}") {
		t.Errorf("archived URL %q (%v): want the placeholder", e.URL, err)
	}
}
