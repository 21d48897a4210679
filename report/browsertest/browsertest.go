// Package browsertest opens pages in a real headless Chromium for tests,
// through chromedp: it collects what the page wrote to the console while
// loading, counts elements, and keeps screenshots as test artefacts.
//
// A test that needs the browser calls Start. Without a Chromium binary the
// test is skipped with a message, except in CI (CI=true), where a missing
// browser is a failure: .ci/run installs Debian's chromium.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Binaries are the names a Chromium binary goes by, in the order tried;
// $CHROMIUM, when set, comes first.
var Binaries = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Find returns the path of a Chromium binary, or "" when there is none.
func Find() string {
	names := Binaries
	if env := os.Getenv("CHROMIUM"); env != "" {
		names = append([]string{env}, names...)
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Browser is one headless Chromium with one tab, for one test.
type Browser struct {
	t   testing.TB
	ctx context.Context
}

// pageTimeout bounds everything one test does in the browser, so a hung
// browser fails the test instead of stalling the suite.
const pageTimeout = 90 * time.Second

// Start launches Chromium with a fresh profile and the flags a sandboxed,
// offline test machine needs. It skips the test when no binary is found,
// unless CI=true.
func Start(t testing.TB) *Browser {
	t.Helper()
	exe := Find()
	if exe == "" {
		msg := "no Chromium binary found (tried $CHROMIUM, " + strings.Join(Binaries, ", ") +
			"); install Debian's chromium (apt-get install chromium) to run the browser tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	profile, err := os.MkdirTemp("", "emigre-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1024),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, pageTimeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		// Chromium's helpers may still be writing the profile just after the
		// browser exits: try a few times, and never fail a test over it.
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return &Browser{t: t, ctx: ctx}
}

// doneMarker is logged after a page loads, so the console can be read up
// to it without waiting for a timeout.
const doneMarker = "browsertest: page loaded"

// Visit opens url, waits for it to load, and returns every console error,
// uncaught exception and browser-log error (a resource that failed to
// load) the page produced.
func (b *Browser) Visit(url string) []string {
	b.t.Helper()
	messages := chromedp.Console(b.ctx) // subscribe before navigating: nothing is lost
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url),
		chromedp.Evaluate[chromedp.Void](`console.info(`+strconv.Quote(doneMarker)+`)`)); err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
	var errs []string
	for m, err := range messages {
		if err != nil {
			b.t.Fatalf("read the console of %s: %v", url, err)
		}
		if m.Text == doneMarker {
			break
		}
		if m.Type == chromedp.ConsoleError || m.IsException() {
			errs = append(errs, m.String())
		}
	}
	return errs
}

// Count returns how many elements match the CSS selector.
func (b *Browser) Count(selector string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(selector)+`).length`))
	if err != nil {
		b.t.Fatalf("count %s: %v", selector, err)
	}
	return n
}

// Text returns the text content of the first element matching the selector
// ("" when none does).
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`(document.querySelector(`+strconv.Quote(selector)+`) || {textContent: ""}).textContent`))
	if err != nil {
		b.t.Fatalf("text of %s: %v", selector, err)
	}
	return s
}

// Visible reports whether the first element matching the selector has a
// rendered size (a chart drawn, not just present in the markup).
func (b *Browser) Visible(selector string) bool {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+
		strconv.Quote(selector)+`); if (!e) return false; const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 })()`))
	if err != nil {
		b.t.Fatalf("visibility of %s: %v", selector, err)
	}
	return ok
}

// Eval evaluates a JavaScript expression in the page and returns its value
// as a bool (a layout check: does a date wrap, does a chart fill its panel).
func (b *Browser) Eval(expr string) bool {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return ok
}

// ArtefactDir is where screenshots go: $EMIGRE_TEST_ARTEFACTS, or
// testdata/artefacts in the test's package (ignored by git).
func ArtefactDir() string {
	if d := os.Getenv("EMIGRE_TEST_ARTEFACTS"); d != "" {
		return d
	}
	return filepath.Join("testdata", "artefacts")
}

// Screenshot saves a PNG of the whole page as name.png in ArtefactDir and
// returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := ArtefactDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		b.t.Fatalf("screenshot %s is not a PNG (%d bytes)", name, len(png))
	}
	b.t.Logf("screenshot: %s", path)
	return path
}
