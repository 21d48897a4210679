package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// IRCC's real open-data files, served as a public repository committed
// them, trimmed to the rows of the sample's origins (Russia, Ukraine).

func init() {
	families = append(families, family{
		name: "ircc",
		builds: func(s *extractors.Source) bool {
			_, ok := irccFiles[s.ID]
			return ok
		},
		build: irccBody,
	})
}

// A realFile is a publisher's file as a public repository committed it.
type realFile struct {
	File        string // in shared/realdata
	Repo, Path  string // where the repository keeps it
	Commit      string
	Committed   time.Time // the commit's date: the file was downloaded before it
	ContentType string
}

const csvType = "text/csv"

var mahjcameron = func(name string) realFile {
	return realFile{
		File: "realdata/mahjcameron-Immigration-Forecasting__" + name, Repo: "github.com/mahjcameron/Immigration-Forecasting",
		Path: "IRCC CSV/" + name, Commit: "e10f24eeb41ddeaee5fc5a0e886e1e4c4615fca3",
		Committed: time.Date(2024, 9, 25, 12, 0, 0, 0, time.UTC), ContentType: csvType,
	}
}

var irccFiles = map[string]realFile{
	"ca-ircc-pr-citizenship": mahjcameron("ODP-PR-Citz.csv"),
	"ca-ircc-tr-work-imp":    mahjcameron("ODP-TR-Work-IMP-CITZ.csv"),
	"ca-ircc-tr-work-tfwp":   mahjcameron("ODP-TR-Work-TFWP-CITZ.csv"),
	"ca-ircc-tr-study":       mahjcameron("ODP-TR-Study-IS_CITZ.csv"),
}

// A trimmed file keeps its header line and the lines of the sample's
// origins, byte for byte: the files hold every nationality and would make
// the embedded archive and a replayed run megabytes larger for rows no
// run of the sample's origins reads.
type trimmed struct {
	body             []byte
	size, rows, kept int
	names            []string
}

// sampleOriginNames are the sample's origins as these files name them.
var sampleOriginNames = []string{"Russia", "Ukraine"}

// trimToOrigins keeps the first line and the lines whose field (0-based,
// split on sep) names one of the sample's origins.
func trimToOrigins(raw []byte, sep byte, field int) (trimmed, error) {
	lines := bytes.SplitAfter(raw, []byte("\n"))
	t := trimmed{size: len(raw), names: sampleOriginNames}
	var b bytes.Buffer
	for i, l := range lines {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		if i == 0 {
			b.Write(l)
			continue
		}
		t.rows++
		if f := bytes.Split(bytes.TrimRight(l, "\r\n"), []byte{sep}); len(f) > field && slices.Contains(t.names, string(f[field])) {
			b.Write(l)
			t.kept++
		}
	}
	if t.kept == 0 {
		return t, fmt.Errorf("no rows of %s in %d", strings.Join(t.names, " or "), t.rows)
	}
	t.body = b.Bytes()
	return t, nil
}

// trimNote says what a trimmed snapshot left out.
func (t trimmed) note() string {
	return fmt.Sprintf("TRIMMED: the file is %d bytes for %d rows of every nationality; the snapshot keeps its header line "+
		"and the %d rows of %s (the origins the sample holds figures of) byte for byte and drops the others (they would make "+
		"the embedded archive and every replayed run megabytes larger).", t.size, t.rows, t.kept, strings.Join(t.names, " and "))
}

// irccBody serves IRCC's file trimmed to the sample's origins' rows.
func irccBody(s *extractors.Source, _ inputs, e *archive.Entry) ([]byte, error) {
	f := irccFiles[s.ID]
	raw, err := readShared(f.File)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(raw, []byte("EN_YEAR\tEN_QUARTER\tEN_MONTH\t")) {
		return nil, fmt.Errorf("shared/%s: not IRCC's monthly layout", f.File)
	}
	t, err := trimToOrigins(raw, '\t', 6) // EN_COUNTRY_OF_CITIZENSHIP
	if err != nil {
		return nil, fmt.Errorf("shared/%s: %w", f.File, err)
	}
	e.Header = map[string]string{"Content-Type": f.ContentType}
	e.FetchedAt = f.Committed
	e.Provenance = &archive.Provenance{
		Kind:      "reconstructed",
		From:      fmt.Sprintf("shared/%s (%s, %s at commit %s; see shared/realdata/MANIFEST.tsv)", f.File, f.Repo, f.Path, f.Commit),
		Published: s.Requests[0].URL + " (IRCC open data, " + s.Homepage + ")",
		Note: "IRCC's file as the repository committed it. " + t.note() + " Also reconstructed: this URL, the Content-Type, and " +
			"the fetch time, set to the commit's date (the file was downloaded on or before it).",
	}
	return t.body, nil
}
