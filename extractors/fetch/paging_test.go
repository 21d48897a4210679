package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// pagedAPI answers like UNHCR's population statistics API: ?page=N gives
// {"page":N,"maxPages":M,"items":[...]} (made-up items); say, when set,
// replaces the answer of one page.
func pagedAPI(t *testing.T, pages int, say map[int]string) (*httptest.Server, *[]string) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		asked = append(asked, r.URL.RawQuery)
		n := 0
		_, _ = fmt.Sscanf(r.URL.Query().Get("page"), "%d", &n)
		if body, ok := say[n]; ok {
			fmt.Fprint(w, body)
			return
		}
		fmt.Fprintf(w, `{"page":%d,"maxPages":%d,"items":[{"year":2022,"n":%d}]}`, n, pages, n)
	}))
	t.Cleanup(srv.Close)
	return srv, &asked
}

func pagedSource(base string) *extractors.Source {
	return &extractors.Source{ID: "test-paged", Requests: []extractors.Request{{
		URL:    base + "/population/v1/asylum-applications/?coo=RUS&coa_all=true&limit=1&page=1",
		Paging: &extractors.PagingRule{Param: "page", Page: "page", Pages: "maxPages"},
	}}}
}

func TestPagingFetchesEveryPage(t *testing.T) {
	srv, asked := pagedAPI(t, 3, nil)
	arch := newArchive(t)
	r := NewFetcher(testFetchConfig(), arch).FetchAll(context.Background(), []*extractors.Source{pagedSource(srv.URL)})[0]
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Responses) != 3 || len(*asked) != 3 {
		t.Fatalf("%d responses, %d requests, want 3 pages", len(r.Responses), len(*asked))
	}
	for i, resp := range r.Responses {
		if want := fmt.Sprintf("coa_all=true&limit=1&page=%d", i+1); !strings.HasSuffix(resp.Request.URL, want) {
			t.Errorf("page %d asked as %s: the page parameter changes in place", i+1, resp.Request.URL)
		}
		if !strings.Contains(string(resp.Body), fmt.Sprintf(`"page":%d`, i+1)) {
			t.Errorf("page %d body %s", i+1, resp.Body)
		}
	}
	// Offline, the archive answers every page.
	replay := testFetchConfig()
	replay.Transport, replay.Record = archive.Replay{Archive: arch}, false
	again := NewFetcher(replay, arch).FetchAll(context.Background(), []*extractors.Source{pagedSource(srv.URL)})[0]
	if again.Err != nil || len(again.Responses) != 3 {
		t.Errorf("replay: err %v, %d responses", again.Err, len(again.Responses))
	}
}

func TestPagingFailsWhenIncompletenessCannotBeRuledOut(t *testing.T) {
	for name, c := range map[string]struct {
		say  map[int]string
		want string
	}{
		"no page count":    {map[int]string{1: `{"page":1,"items":[]}`}, `no "maxPages" member`},
		"wrong page":       {map[int]string{2: `{"page":1,"maxPages":2,"items":[]}`}, "asked for page 2, the answer says it is page 1"},
		"page 2 not JSON":  {map[int]string{2: `<html>busy</html>`}, "not a JSON object"},
		"page count text":  {map[int]string{1: `{"page":1,"maxPages":"many","items":[]}`}, `member "maxPages"`},
		"page 2 is absent": {map[int]string{2: `{}`}, `no "page" member`},
	} {
		t.Run(name, func(t *testing.T) {
			srv, _ := pagedAPI(t, 2, c.say)
			r := NewFetcher(testFetchConfig(), newArchive(t)).FetchAll(context.Background(), []*extractors.Source{pagedSource(srv.URL)})[0]
			if r.Err == nil || !strings.Contains(r.Err.Error(), c.want) {
				t.Errorf("err %v, want %q", r.Err, c.want)
			}
		})
	}
	// A first answer that is no JSON object at all (an error page) has no
	// pages to follow: it is handed on whole, and the reader says what it is.
	srv0, _ := pagedAPI(t, 2, map[int]string{1: `<html>busy</html>`})
	if r := NewFetcher(testFetchConfig(), newArchive(t)).FetchAll(context.Background(), []*extractors.Source{pagedSource(srv0.URL)})[0]; r.Err != nil || len(r.Responses) != 1 {
		t.Errorf("an error page for page 1: err %v, %d responses, want it handed to the reader", r.Err, len(r.Responses))
	}
	// Numbers sent as strings are read.
	srv, _ := pagedAPI(t, 2, map[int]string{1: `{"page":"1","maxPages":"1","items":[]}`})
	if r := NewFetcher(testFetchConfig(), newArchive(t)).FetchAll(context.Background(), []*extractors.Source{pagedSource(srv.URL)})[0]; r.Err != nil || len(r.Responses) != 1 {
		t.Errorf("string page numbers: err %v, %d responses", r.Err, len(r.Responses))
	}
}
