package main

import (
	"bytes"
	"errors"
	"html"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/extractors/catalogue"
)

// A statement's snapshot is its page as it was read: the paragraphs kept in
// the source's catalogue file (sample.pages), written as a plain article.

func init() {
	families = append(families, family{
		name:   "statements",
		builds: func(s *extractors.Source) bool { return s.Statement != nil },
		build:  statementBody,
	})
}

func statementBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	p, err := samplePage(in.entry, e.URL)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"" + p.Lang + "\">\n<head>\n<meta charset=\"utf-8\">\n")
	if p.Title != "" {
		b.WriteString("<title>" + html.EscapeString(p.Title) + "</title>\n")
	}
	b.WriteString("<link rel=\"canonical\" href=\"" + html.EscapeString(e.URL) + "\">\n</head>\n<body>\n<article>\n")
	if p.Title != "" {
		b.WriteString("<h1>" + html.EscapeString(p.Title) + "</h1>\n")
	}
	for _, para := range p.Paragraphs {
		b.WriteString("<p>" + html.EscapeString(para) + "</p>\n")
	}
	b.WriteString("</article>\n</body>\n</html>\n")
	e.Header = map[string]string{"Content-Type": "text/html; charset=utf-8"}
	e.FetchedAt = p.FetchedAt
	e.Provenance = &archive.Provenance{
		Kind:      "reconstructed",
		From:      "the page's text as read on " + p.FetchedAt.Format("2006-01-02") + " (kept in " + s.File + ", sample.pages)",
		Published: e.URL,
		Note:      p.Note + " Article dated " + p.Published + ".",
	}
	return b.Bytes(), nil
}

// samplePage is the page of the catalogue entry that answers url.
func samplePage(entry *catalogue.Entry, url string) (catalogue.SamplePage, error) {
	if p, ok := entry.SamplePage(url); ok {
		return p, nil
	}
	return catalogue.SamplePage{}, errors.New("no page text in the source's catalogue file (sample.pages)")
}
