package fetch

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// maxPages bounds the pages of one request: an API that keeps saying more
// follow is broken, and the run must end.
const maxPages = 1000

// errNotJSONObject marks an answer that is no JSON object at all (an error
// page, an empty body): the reader says best what it is instead.
var errNotJSONObject = errors.New("a paged answer that is not a JSON object")

// pageOf reads where a paged JSON answer is: its page number and the number
// of pages, from the rule's top-level members. Both are required: an answer
// that does not say cannot be known to be complete.
func pageOf(rule *extractors.PagingRule, body []byte) (page, pages int, err error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return 0, 0, fmt.Errorf("%w: %w", errNotJSONObject, err)
	}
	num := func(member string) (int, error) {
		raw, ok := doc[member]
		if !ok {
			return 0, fmt.Errorf("the paged answer has no %q member: its completeness cannot be known", member)
		}
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			// Some APIs send numbers as strings.
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return 0, fmt.Errorf("member %q is %s, want a page number", member, raw)
			}
			n = json.Number(s)
		}
		v, err := strconv.Atoi(n.String())
		if err != nil || v < 0 {
			return 0, fmt.Errorf("member %q is %s, want a page number", member, raw)
		}
		return v, nil
	}
	if page, err = num(rule.Page); err != nil {
		return 0, 0, err
	}
	if pages, err = num(rule.Pages); err != nil {
		return 0, 0, err
	}
	return page, pages, nil
}

// nextPage is the request for page n: the same request with the rule's
// query parameter set to n, in place, so the address stays canonical.
func nextPage(req extractors.Request, n int) (extractors.Request, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return req, err
	}
	param := req.Paging.Param
	parts := strings.Split(u.RawQuery, "&")
	found := false
	for i, p := range parts {
		if k, _, _ := strings.Cut(p, "="); k == param {
			parts[i], found = param+"="+strconv.Itoa(n), true
		}
	}
	if !found {
		parts = append(parts, param+"="+strconv.Itoa(n))
	}
	u.RawQuery = strings.Join(parts, "&")
	next := req
	next.URL = u.String()
	return next, nil
}
