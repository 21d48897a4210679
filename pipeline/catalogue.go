package pipeline

import (
	"strings"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// sourceRow describes a catalogue entry for the warehouse's sources table.
func sourceRow(s *extractors.Source) load.SourceRow {
	metrics := make([]string, 0, 1)
	for _, m := range s.Metrics() {
		metrics = append(metrics, string(m))
	}
	r := load.SourceRow{
		ID:          s.ID,
		Destination: s.Destination,
		Publisher:   s.Publisher,
		Dataset:     s.Dataset,
		Title:       s.Title,
		Homepage:    s.Homepage,
		Format:      s.Format,
		Metric:      strings.Join(metrics, ","),
		Cadence:     string(s.Cadence),
		LagMonths:   s.LagMonths,
		Priority:    s.Priority,
		Licence:     s.Licence,
		Notes:       s.Notes,
		VerifiedHow: s.Verified.How,
	}
	if st := s.Statement; st != nil {
		r.IsStatement = true
		r.StatementMeasure = string(st.Measure)
		r.StatementRefDate = st.RefDate
		r.StatementSaidOn = st.SaidOn
		r.StatementSpeaker = st.Speaker.String()
		r.StatementQuote = st.Quote
		r.StatementTranslation = st.Translation
	}
	return r
}
