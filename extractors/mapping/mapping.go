// Package mapping turns a reader's cells into observations of a source: the
// catalogue's Mapping (dimensions, filters, codes, metric) applied to every
// cell, with the shape checks that make a changed table fail loudly.
package mapping

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
)

// ReaderParams returns the parameters the source's reader gets: the
// catalogue's Params plus, for a statement, its pattern (and total pattern)
// and scale.
func ReaderParams(s *extractors.Source) map[string]string { return readerParams(s, s.Statement) }

// readerParams is ReaderParams for one figure of a statement (st; nil for
// other sources).
func readerParams(s *extractors.Source, st *extractors.StatementEntry) map[string]string {
	p := maps.Clone(s.Params)
	if p == nil {
		p = map[string]string{}
	}
	if st != nil {
		p["pattern"] = st.Pattern
		if st.TotalPattern != "" {
			p["total_pattern"] = st.TotalPattern
		}
		if st.Scale != 0 {
			p["scale"] = strconv.FormatFloat(st.Scale, 'f', -1, 64)
		}
	}
	return p
}

// Extract runs the source's reader over one archived body and maps its cells
// to observations. name identifies the body in errors (its URL or file);
// snapshot is the body's SHA-256, stamped on every observation.
func Extract(ctx context.Context, s *extractors.Source, name string, body []byte, snapshot string) ([]extractors.Observation, error) {
	return ExtractWithMetadata(ctx, s, name, body, snapshot, nil)
}

// ExtractWithMetadata is Extract for a source whose reader also needs the
// answer of its metadata request.
func ExtractWithMetadata(ctx context.Context, s *extractors.Source, name string, body []byte, snapshot string, metadata []byte) ([]extractors.Observation, error) {
	r, err := extractors.ReaderFor(s.Format)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", s.ID, err)
	}
	if s.Statement == nil {
		return extractFigure(ctx, r, s, nil, name, body, snapshot, metadata)
	}
	// A statement reads each of its figures this page gives, one pass of
	// the reader per figure, each with its own pattern.
	figures := s.StatementFigures(name)
	if len(figures) == 0 {
		return nil, fmt.Errorf("source %s: %s: none of the statement's figures is read from this page", s.ID, name)
	}
	var out []extractors.Observation
	for _, f := range figures {
		obs, err := extractFigure(ctx, r, s, f, name, body, snapshot, metadata)
		if err != nil {
			return nil, err
		}
		out = append(out, obs...)
	}
	return out, nil
}

// extractFigure runs the reader once over body and maps its cells; figure
// is the statement figure the pass reads (nil for other sources).
func extractFigure(ctx context.Context, r extractors.Reader, s *extractors.Source, figure *extractors.StatementEntry,
	name string, body []byte, snapshot string, metadata []byte) ([]extractors.Observation, error) {
	m := newMapper(s, snapshot)
	m.figure = figure
	in := extractors.Input{Name: name, Body: bytes.NewReader(body), Params: readerParams(s, figure), Metadata: metadata}
	if err := r.Read(ctx, in, m.cell); err != nil {
		return nil, fmt.Errorf("source %s: %w", s.ID, err)
	}
	if err := m.finish(); err != nil {
		return nil, fmt.Errorf("source %s: %s: %w", s.ID, name, err)
	}
	return m.out, nil
}

// mapper applies a source's Mapping to a reader's cells.
type mapper struct {
	s        *extractors.Source
	figure   *extractors.StatementEntry // the statement figure this body gives; nil for other sources
	snapshot string
	out      []extractors.Observation
	checked  *extractors.Table // the last table whose shape was checked
	cells    int
	summed   map[string]int // Mapping.Sum: observation key -> index in out
	timeRe   *regexp.Regexp // Mapping.TimePattern, compiled once
}

func newMapper(s *extractors.Source, snapshot string) *mapper {
	m := &mapper{s: s, snapshot: snapshot}
	if p := s.Map.TimePattern; p != "" {
		m.timeRe, _ = regexp.Compile(p) // validated by the catalogue; a bad one fails each cell below
	}
	return m
}

func (m *mapper) cell(c extractors.Cell) error {
	m.cells++
	if c.Table != m.checked {
		if err := m.checkShape(c.Table); err != nil {
			return err
		}
		m.checked = c.Table
	}
	if m.s.Statement != nil {
		return m.statement(c)
	}
	mp := m.s.Map
	for dim, want := range mp.Filter {
		if got, _ := c.Code(dim); got != want {
			return nil
		}
	}
	metric := mp.Metric
	if mp.MetricDim != "" {
		code, _ := c.Code(mp.MetricDim)
		mm, ok := mp.Metrics[code]
		if !ok {
			return nil // an indicator the source does not use
		}
		metric = mm
	}
	citizenship := mp.FixedCitizenship
	if mp.Citizenship != "" {
		citizenship, _ = c.Code(mp.Citizenship)
	}
	destination := m.s.Destination
	if mp.Destination != "" {
		destination, _ = c.Code(mp.Destination)
	}
	timeCode, _ := c.Code(mp.Time)
	if mp.Month != "" {
		month, _ := c.Code(mp.Month)
		code, err := extractors.YearMonthCode(timeCode, month, mp.FiscalYearStart)
		if err != nil {
			return fmt.Errorf("dimensions %s and %s: %w", mp.Time, mp.Month, err)
		}
		timeCode = code
	}
	if mp.TimePattern != "" {
		code, err := patternPeriod(m.timeRe, mp.TimePattern, timeCode)
		if err != nil {
			return fmt.Errorf("dimension %s: %w", mp.Time, err)
		}
		timeCode = code
	}
	p, err := extractors.ParsePeriod(timeCode, metric.IsStock(), mp.StockAt)
	if err != nil {
		return fmt.Errorf("dimension %s: %w", mp.Time, err)
	}
	if mp.Month == "" && mp.FiscalYearStart > 1 && !metric.IsStock() {
		p = fiscalYear(p, mp.FiscalYearStart)
	}
	o := extractors.Observation{
		SourceID:    m.s.ID,
		Destination: m.code(destination),
		Citizenship: m.code(citizenship),
		Metric:      metric,
		PeriodStart: p.Start,
		PeriodEnd:   p.End,
		Value:       c.Value,
		Missing:     c.Missing,
		Flags:       c.Status,
		Snapshot:    m.snapshot,
	}
	if mp.Sum {
		return m.add(o)
	}
	m.out = append(m.out, o)
	return nil
}

// add sums o into the observation of the same key (Mapping.Sum).
func (m *mapper) add(o extractors.Observation) error {
	if m.summed == nil {
		m.summed = map[string]int{}
	}
	i, ok := m.summed[o.Key()]
	if !ok {
		m.summed[o.Key()] = len(m.out)
		m.out = append(m.out, o)
		return nil
	}
	s := &m.out[i]
	switch {
	case s.Missing || o.Missing:
		s.Missing, s.Value = true, 0
	default:
		s.Value += o.Value
	}
	for _, f := range strings.Fields(o.Flags) {
		if !slices.Contains(strings.Fields(s.Flags), f) {
			s.Flags = strings.TrimSpace(s.Flags + " " + f)
		}
	}
	return nil
}

func (m *mapper) code(publisher string) string {
	if iso, ok := m.s.Map.Codes[publisher]; ok {
		return iso
	}
	return publisher
}

// checkShape fails when a dimension the mapping relies on is gone: a renamed
// column must fail the source, never load nothing.
func (m *mapper) checkShape(t *extractors.Table) error {
	if m.s.Statement != nil {
		return nil
	}
	mp := m.s.Map
	need := []string{mp.Time}
	for _, d := range []string{mp.Month, mp.Destination, mp.Citizenship, mp.MetricDim} {
		if d != "" {
			need = append(need, d)
		}
	}
	for d := range mp.Filter {
		need = append(need, d)
	}
	for _, d := range need {
		if !hasDim(t, d) {
			return fmt.Errorf("shape: dimension %q missing (table %q has %v): the publisher changed the table", d, t.Dataset, t.Dims)
		}
	}
	return nil
}

func hasDim(t *extractors.Table, dim string) bool {
	for _, d := range t.Dims {
		if d == dim {
			return true
		}
	}
	return false
}

func (m *mapper) statement(c extractors.Cell) error {
	st := m.figure
	o := extractors.Observation{
		SourceID:    m.s.ID,
		Destination: m.s.Destination,
		Citizenship: m.s.Map.FixedCitizenship,
		Metric:      extractors.Statement,
		Measure:     st.Measure,
		PeriodStart: st.RefDate,
		PeriodEnd:   st.RefDate,
		Value:       c.Value,
		Missing:     c.Missing,
		Flags:       c.Status,
		Snapshot:    m.snapshot,
	}
	if !st.Measure.IsStock() && !st.Since.IsZero() {
		o.PeriodStart = st.Since
	}
	m.out = append(m.out, o)
	return nil
}

// finish checks what can only be judged after the last cell: a source whose
// answer maps to nothing has changed or broken, it has not published zero.
func (m *mapper) finish() error {
	if m.cells == 0 {
		return fmt.Errorf("the answer holds no data cells")
	}
	if len(m.out) == 0 {
		return fmt.Errorf("none of %d cells matched the source's mapping (filters %v): codes renamed or removed?", m.cells, m.s.Map.Filter)
	}
	return nil
}

// fiscalYear turns a year period into the fiscal year the publisher means by
// it, named after the calendar year it ends in: FY 2023 starting in October
// is 1 October 2022 - 30 September 2023 (tables that give fiscal years
// without months: the DHS yearbook). Other periods are left as they are.
func fiscalYear(p extractors.Period, start time.Month) extractors.Period {
	y := p.Start.Year()
	if p.Start.YearDay() != 1 || p.End.Year() != y || p.End.Month() != time.December || p.End.Day() != 31 {
		return p
	}
	from := time.Date(y-1, start, 1, 0, 0, 0, 0, time.UTC)
	return extractors.Period{Start: from, End: from.AddDate(1, 0, -1)}
}

// patternPeriod reads a publisher's period code with the source's time
// pattern into a code ParsePeriod knows: "2023" or "2023-12".
func patternPeriod(re *regexp.Regexp, pattern, code string) (string, error) {
	if re == nil {
		return "", fmt.Errorf("time pattern %q is not a regular expression", pattern)
	}
	m := re.FindStringSubmatch(code)
	if m == nil {
		return "", fmt.Errorf("period %q does not match the source's time pattern %s", code, pattern)
	}
	year, month := m[re.SubexpIndex("year")], ""
	if i := re.SubexpIndex("month"); i >= 0 {
		month = m[i]
	}
	if month == "" {
		return year, nil
	}
	return year + "-" + month, nil
}
