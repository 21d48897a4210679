package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestVisitReportsConsoleErrors: the checks the report tests rely on do
// see a broken page.
func TestVisitReportsConsoleErrors(t *testing.T) {
	b := Start(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/clean":
			fmt.Fprint(w, `<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body><p class="x">a</p><p class="x">b</p></body></html>`)
		case "/broken":
			fmt.Fprint(w, `<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>
				<img src="/missing.png"><script>console.error("bad thing"); null.boom;</script></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	if errs := b.Visit(srv.URL + "/clean"); len(errs) != 0 {
		t.Errorf("a clean page reported %v", errs)
	}
	if n := b.Count("p.x"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	if got := b.Text("p.x"); got != "a" {
		t.Errorf("Text = %q", got)
	}
	errs := strings.Join(b.Visit(srv.URL+"/broken"), "\n")
	for _, want := range []string{"bad thing", "boom", "404"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the broken page's errors lack %q:\n%s", want, errs)
		}
	}
}
