package main

import (
	"bytes"
	"html"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// pageOf writes a discovery request's page: the family's own markup, or
// the plain listing of discoveryPage.
func pageOf(f family, s *extractors.Source, req extractors.Request, in inputs, fetched time.Time) ([]byte, archive.Entry, error) {
	if f.page == nil {
		b, e := discoveryPage(s, req, in.entry.Sample.Link, fetched)
		return b, e, nil
	}
	e := archive.Entry{Source: s.ID, Method: req.MethodOrGet(), URL: req.URL,
		RequestSHA256: archive.HashBytes([]byte(req.Body)), Status: 200}
	b, err := f.page(s, in, &e)
	return b, e, err
}

// discoveryPage writes a discovery request's page as the sample has it: a
// minimal listing whose one link, matching the request's link rule, is the
// data file the figures were published in (the source's sample.link). The
// publisher's page lists more; only the link matters to the run.
func discoveryPage(s *extractors.Source, req extractors.Request, link string, fetched time.Time) ([]byte, archive.Entry) {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + html.EscapeString(s.Title) +
		"</title>\n</head>\n<body>\n<table>\n<tr><td>" + html.EscapeString(s.Title) + "</td><td><a href=\"" +
		html.EscapeString(link) + "\">" + html.EscapeString(s.Dataset) + "</a></td></tr>\n</table>\n</body>\n</html>\n")
	return b.Bytes(), archive.Entry{
		Source: s.ID, Method: req.MethodOrGet(), URL: req.URL,
		RequestSHA256: archive.HashBytes([]byte(req.Body)), Status: 200,
		Header:    map[string]string{"Content-Type": "text/html; charset=utf-8"},
		FetchedAt: fetched,
		Provenance: &archive.Provenance{
			Kind:      "reconstructed",
			From:      "the source's sample.link in " + s.File,
			Published: req.URL,
			Note: "The discovery page reduced to the one link the source follows: the release whose figures the sample " +
				"holds. The publisher's page lists more; its layout is not kept.",
		},
	}
}
