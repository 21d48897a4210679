package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/reliability"
)

// liveSetup is a live run's world: the sample served by a local server
// that records each request's User-Agent, and a folder for the warehouse,
// archive and config.
type liveSetup struct {
	dir, db string
	sample  *reliability.Server
	front   *httptest.Server

	mu     sync.Mutex
	agents []string
}

func newLiveSetup(t *testing.T) *liveSetup {
	t.Helper()
	srv, err := reliability.NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	l := &liveSetup{dir: t.TempDir(), sample: srv}
	l.db = filepath.Join(l.dir, "w.duckdb")
	l.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.agents = append(l.agents, r.UserAgent())
		l.mu.Unlock()
		srv.Server.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(l.front.Close)
	return l
}

// origin is the scheme and host of a catalogue source's first request.
func origin(t *testing.T, id string) string {
	t.Helper()
	s, err := catalogue.MustDefault().Source(id)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(s.Requests[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

// config writes an emigre.yaml whose mirrors send each source's host where
// the test says, and returns its path.
func (l *liveSetup) config(t *testing.T, extra string, mirrors map[string]string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "warehouse: %q\narchive: %q\n%smirrors:\n", l.db, filepath.Join(l.dir, "archive"), extra)
	for from, to := range mirrors {
		fmt.Fprintf(&b, "  %q: %q\n", from, to)
	}
	p := filepath.Join(l.dir, "emigre.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sampleMirror sends a source's host to the sample server, through the
// front that records User-Agents.
func (l *liveSetup) sampleMirror(t *testing.T, id string) (string, string) {
	o := origin(t, id)
	u, _ := url.Parse(o)
	return o, l.front.URL + "/" + u.Host
}

// A live run on a machine without DNS finishes: a host that does not
// resolve fails at once, without retries (here under .invalid, which no
// resolver answers), and a host that never answers is cut off by the run's
// deadline (fetch.deadline); what was fetched publishes.
func TestLiveRunWithoutDNSFinishesByItsDeadline(t *testing.T) {
	l := newLiveSetup(t)
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // never answers while the run lasts
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)
	de, deMirror := l.sampleMirror(t, "eurostat-migr_pop1ctz")
	cfg := l.config(t, "contact: test@example.org\nfetch:\n  delay: 1ms\n  timeout: 1h\n  retries: 3\n  deadline: 5s\n", map[string]string{
		de:                            deMirror,
		origin(t, "fi-statfin-muutl"): "http://pxdata.invalid",
		origin(t, "ge-geostat-migration-citizenship"): slow.URL,
	})
	code, out, errs := cli(t, l.dir, nil, "run", "--config", cfg,
		"--source", "eurostat-migr_pop1ctz", "--source", "fi-statfin-muutl", "--source", "ge-geostat-migration-citizenship")
	if code != exitPartial {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitPartial, out, errs)
	}
	for _, want := range []string{
		"3 sources attempted, 1 loaded",
		"FAILED fi-statfin-muutl (fetch)", "pxdata.invalid does not resolve",
		"FAILED ge-geostat-migration-citizenship (fetch)", "fetch deadline (5s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(errs, "\n") {
		if strings.Contains(line, "retrying") && strings.Contains(line, "fi-statfin-muutl") {
			t.Errorf("a host that does not resolve was retried: %s", line)
		}
	}
	if n := queryInt(t, l.db, `SELECT count(*) FROM latest_estimates WHERE destination = 'DE'`); n != 1 {
		t.Errorf("what was fetched did not publish: %d DE estimates", n)
	}
}

// Without a contact, a live run says once, at its start, how to set one,
// and its User-Agent names the collector without a placeholder; with one,
// the User-Agent carries it and nothing is said.
func TestLiveRunAsksForAContactOnce(t *testing.T) {
	l := newLiveSetup(t)
	de, deMirror := l.sampleMirror(t, "eurostat-migr_pop1ctz")
	cfg := l.config(t, "fetch:\n  delay: 1ms\n  retries: 0\n", map[string]string{de: deMirror})
	code, out, errs := cli(t, l.dir, nil, "run", "--config", cfg, "--source", "eurostat-migr_pop1ctz")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if n := strings.Count(errs, "no contact configured"); n != 1 {
		t.Errorf("the run said %d times that no contact is configured, want once:\n%s", n, errs)
	}
	first, _, _ := strings.Cut(errs, "\n")
	if !strings.Contains(first, "no contact configured") || !strings.Contains(first, "EMIGRE_CONTACT") {
		t.Errorf("the first thing said is %q, want how to set a contact", first)
	}
	l.mu.Lock()
	agents := l.agents
	l.agents = nil
	l.mu.Unlock()
	if len(agents) == 0 {
		t.Fatal("the server saw no request")
	}
	for _, ua := range agents {
		if strings.Contains(ua, "no contact") || !strings.HasPrefix(ua, "emigre/") {
			t.Errorf("User-Agent %q", ua)
		}
	}

	cfg = l.config(t, "contact: data-team@example.org\nfetch:\n  delay: 1ms\n  retries: 0\n", map[string]string{de: deMirror})
	code, _, errs = cli(t, l.dir, nil, "run", "--config", cfg, "--source", "eurostat-migr_pop1ctz")
	if code != exitOK || strings.Contains(errs, "no contact configured") {
		t.Errorf("with a contact: exit %d, stderr %q", code, errs)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ua := range l.agents {
		if !strings.Contains(ua, "data-team@example.org") {
			t.Errorf("User-Agent %q lacks the contact", ua)
		}
	}
	// An offline replay asks nobody for anything.
	if _, _, errs := cli(t, l.dir, nil, "run", "--offline", "--db", filepath.Join(l.dir, "o.duckdb"), "--source", "eurostat-migr_pop1ctz"); strings.Contains(errs, "no contact") {
		t.Errorf("an offline run asked for a contact: %s", errs)
	}
}

// serve on an address other than loopback says the dashboard is reachable
// from the network without authentication; on loopback it says nothing.
func TestServeWarnsWhenReachableFromTheNetwork(t *testing.T) {
	dir := t.TempDir()
	db := sampleWarehouse(t, dir, "w.duckdb", someSources...)
	for addr, warn := range map[string]bool{"0.0.0.0:0": true, "127.0.0.1:0": false} {
		cmd := exec.Command(emigreBinary(t), "serve", "--db", db, "--addr", addr)
		cmd.Dir = dir
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		first, err := r.ReadString('\n')
		if err != nil || !strings.HasPrefix(first, "serving ") {
			t.Errorf("%s: first line %q (%v)", addr, first, err)
		}
		// The warning, when there is one, is written with the first line:
		// stopping the server now loses nothing.
		_ = cmd.Process.Signal(os.Interrupt)
		rest, _ := readAll(r)
		_ = cmd.Wait()
		said := strings.Contains(rest, "reachable from the network") && strings.Contains(rest, "no authentication")
		if said != warn {
			t.Errorf("--addr %s: warned %v, want %v; printed:\n%s%s", addr, said, warn, first, rest)
		}
	}
}

func readAll(r *bufio.Reader) (string, error) {
	var b strings.Builder
	_, err := r.WriteTo(&b)
	return b.String(), err
}
