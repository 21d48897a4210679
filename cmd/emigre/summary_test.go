package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
)

// A source skipped for a missing credential is listed with the variable to
// set, never as FAILED; one an offline archive lacks is counted only; a
// failure still says FAILED.
func TestSummarySaysSkippedIsNotFailed(t *testing.T) {
	src := func(id string) *extractors.Source { return &extractors.Source{ID: id} }
	s := &pipeline.Summary{RunID: "r1", Mode: "live", Failed: 1, NotConfigured: 1, NotArchived: 1, Outcomes: []pipeline.Outcome{
		{Source: src("de-destatis-genesis-12521"), Status: load.SourceNotConfigured,
			Err: errors.New("source de-destatis-genesis-12521 is not configured: set GENESIS_USER (its user)")},
		{Source: src("se-test"), Status: load.SourceNotArchived, Err: errors.New("se-test: not in the sample archive")},
		{Source: src("xx-broken"), Status: load.SourceFailed, Stage: "fetch", Err: errors.New("HTTP 500")},
	}}
	var b bytes.Buffer
	printSummary(&b, s, "RU", false)
	out := b.String()
	for _, want := range []string{"1 sources not configured", "set GENESIS_USER", "FAILED xx-broken (fetch): HTTP 500", "1 sources not in the archive"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	for _, never := range []string{"FAILED de-destatis", "FAILED se-test"} {
		if strings.Contains(out, never) {
			t.Errorf("summary says %q:\n%s", never, out)
		}
	}
}
