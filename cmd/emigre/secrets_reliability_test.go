//go:build reliability

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emigre/emigre/reliability"
)

// Behind the reliability tag: the failing sinks retry with their real
// backoff (2+4+8 s each).

// TestRunNeverLeaksSinkSecrets runs a refresh in which a source fails and
// an alert goes to every sink, each holding a secret from the environment:
// the webhook's signing key, a Slack URL (whose path is its secret) that
// answers 500, and an SMTP password for a server that is not there. No
// secret appears in the summary, the log, the warehouse or what the
// webhook receives.
func TestRunNeverLeaksSinkSecrets(t *testing.T) {
	t.Chdir(t.TempDir())
	secrets := map[string]string{
		"EMIGRE_TEST_HOOK_KEY":  "hook-key-5d1e0c",
		"EMIGRE_TEST_SMTP_PASS": "smtp-pass-a77f31",
	}
	var received [][]byte
	var mu sync.Mutex
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, b)
		mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/services/") {
			http.Error(w, "slack is down", http.StatusInternalServerError)
		}
	}))
	defer hooks.Close()
	secrets["EMIGRE_TEST_SLACK_URL"] = hooks.URL + "/services/T0/B0/slack-token-9c2b44"
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close() // nothing answers there

	srv, err := reliability.NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	cfg := writeConfig(t, srv.Config(db, filepath.Join(dir, "archive"))+fmt.Sprintf(`
alerts:
  failing_after: 1
sinks:
  webhook:
    url: %s/emigre
    secret_env: EMIGRE_TEST_HOOK_KEY
  slack:
    url_env: EMIGRE_TEST_SLACK_URL
  smtp:
    host: 127.0.0.1
    port: %d
    from: emigre@example.org
    to: [data-team@example.org]
    username: emigre
    password_env: EMIGRE_TEST_SMTP_PASS
`, hooks.URL, smtpPort))
	srv.Inject("eurostat-migr_pop1ctz", reliability.FaultNamed("HTTP 404"))
	code, out, errs := run(t, "run", "--config", cfg)
	if code != exitPartial {
		t.Errorf("exit %d, want %d\n%s", code, exitPartial, errs)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(received) == 0 {
		t.Errorf("no alert reached the webhooks: the sinks were not exercised\n%s", errs)
	}
	text, err := reliability.Text(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "eurostat-migr_pop1ctz") {
		t.Fatal("the warehouse text lacks the failed source: not a search of everything")
	}
	for name, secret := range secrets {
		secret = secret[strings.LastIndex(secret, "/")+1:] // a URL's secret is its last segment
		for where, s := range map[string]string{"summary": out, "log": errs, "warehouse": text, "webhooks": string(bytes.Join(received, nil))} {
			if strings.Contains(s, secret) {
				t.Errorf("%s (from %s) appears in the %s", secret, name, where)
			}
		}
	}
}
