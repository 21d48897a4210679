package fetch

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/PuerkitoBio/goquery"

	"github.com/emigre/emigre/extractors"
)

// discover finds the data file's address on a discovery page: the
// candidates the rule's selector finds, resolved against the page (or its
// <base>), kept when they match the rule's pattern. With a capture group the
// candidate whose group sorts last wins (a date or release number: the
// newest release); without one, the first on the page.
func discover(req extractors.Request, page []byte) (string, error) {
	rule := req.Link
	if rule == nil {
		return "", errors.New("no link rule")
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return "", fmt.Errorf("reading the page: %w", err)
	}
	base, err := url.Parse(req.URL)
	if err != nil {
		return "", err
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(href); err == nil {
			base = b
		}
	}
	var match *regexp.Regexp
	if rule.Match != "" {
		if match, err = regexp.Compile(rule.Match); err != nil {
			return "", fmt.Errorf("link rule: %w", err)
		}
	}
	attr := rule.Attr
	if attr == "" {
		attr = "href"
	}
	best, bestKey, seen := "", "", 0
	doc.Find(rule.Select).EachWithBreak(func(_ int, sel *goquery.Selection) bool {
		v, ok := sel.Attr(attr)
		if !ok {
			return true
		}
		u, err := base.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			return true
		}
		link := u.String()
		key := ""
		if match != nil {
			m := match.FindStringSubmatch(link)
			if m == nil {
				return true
			}
			if len(m) > 1 {
				key = m[1]
			}
		}
		seen++
		if best == "" || key > bestKey {
			best, bestKey = link, key
		}
		// Without a capture group there is no order: the first one wins.
		return match != nil && match.NumSubexp() > 0
	})
	if seen == 0 {
		return "", fmt.Errorf("no link matches %q (pattern %q): the page changed", rule.Select, rule.Match)
	}
	return best, nil
}
