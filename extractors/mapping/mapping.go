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
	"github.com/emigre/emigre/internal/iso3166"
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
	return ExtractPages(ctx, s, []Page{{Name: name, Body: body, Snapshot: snapshot}}, metadata)
}

// Page is one body of an answer: a whole answer, or one page of an API
// that pages it.
type Page struct {
	Name     string // its URL or file, for errors
	Body     []byte
	Snapshot string // its SHA-256, stamped on its observations
}

// ExtractPages reads the pages of one answer as one: cells that sum
// (Mapping.Sum) or stand in for one another (Mapping.Fallback) meet across
// pages, and an answer whose pages map to nothing fails once.
func ExtractPages(ctx context.Context, s *extractors.Source, pages []Page, metadata []byte) ([]extractors.Observation, error) {
	r, err := extractors.ReaderFor(s.Format)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", s.ID, err)
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("source %s: no answer to read", s.ID)
	}
	if s.Statement != nil {
		return extractStatement(ctx, r, s, pages, metadata)
	}
	m := newMapper(s, "")
	for _, p := range pages {
		m.snapshot = p.Snapshot
		in := extractors.Input{Name: p.Name, Body: bytes.NewReader(p.Body), Params: readerParams(s, nil), Metadata: metadata}
		if err := r.Read(ctx, in, m.cell); err != nil {
			return nil, fmt.Errorf("source %s: %w", s.ID, err)
		}
	}
	if err := m.finish(); err != nil {
		return nil, fmt.Errorf("source %s: %s: %w", s.ID, pages[0].Name, err)
	}
	return m.out, nil
}

// extractStatement reads each of the statement's figures a page gives, one
// pass of the reader per figure, each with its own pattern.
func extractStatement(ctx context.Context, r extractors.Reader, s *extractors.Source, pages []Page, metadata []byte) ([]extractors.Observation, error) {
	var out []extractors.Observation
	for _, p := range pages {
		figures := s.StatementFigures(p.Name)
		if len(figures) == 0 {
			return nil, fmt.Errorf("source %s: %s: none of the statement's figures is read from this page", s.ID, p.Name)
		}
		for _, f := range figures {
			m := newMapper(s, p.Snapshot)
			m.figure = f
			in := extractors.Input{Name: p.Name, Body: bytes.NewReader(p.Body), Params: readerParams(s, f), Metadata: metadata}
			if err := r.Read(ctx, in, m.cell); err != nil {
				return nil, fmt.Errorf("source %s: %w", s.ID, err)
			}
			if err := m.finish(); err != nil {
				return nil, fmt.Errorf("source %s: %s: %w", s.ID, p.Name, err)
			}
			out = append(out, m.out...)
		}
	}
	return out, nil
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
	// alts are the observations of each fallback alternative
	// (Mapping.Fallback), summed within it: they join out, in order, where
	// no cell of the filter (or an earlier alternative) gave the same one.
	alts    [][]extractors.Observation
	altKeys []map[string]int
	// aggregates counts cells whose destination is not a country (EU27_2020,
	// EA20, EFTA): never a destination, and not an error.
	aggregates int
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
	alt, ok := m.alternative(c)
	if !ok {
		return nil
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
		if _, err := iso3166.Code(m.code(destination)); err != nil {
			m.aggregates++
			return nil
		}
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
	if alt > 0 {
		// Flagged with its alternative's codes ("NR": new and repeat
		// applications together; "C": cases), so the warehouse shows what
		// it counts.
		o.Flags = strings.TrimSpace(o.Flags + " " + strings.Join(slices.Sorted(maps.Values(mp.Fallback[alt-1])), " "))
		if m.alts == nil {
			m.alts, m.altKeys = make([][]extractors.Observation, len(mp.Fallback)), make([]map[string]int, len(mp.Fallback))
		}
		if m.altKeys[alt-1] == nil {
			m.altKeys[alt-1] = map[string]int{}
		}
		m.alts[alt-1] = add(m.alts[alt-1], m.altKeys[alt-1], o, mp.Sum)
		return nil
	}
	if m.summed == nil {
		m.summed = map[string]int{}
	}
	m.out = add(m.out, m.summed, o, mp.Sum)
	return nil
}

// alternative says which of the filter (0) and its fallback alternatives
// (1...) the cell matches; false when none.
func (m *mapper) alternative(c extractors.Cell) (int, bool) {
	mp := m.s.Map
	for i := 0; i <= len(mp.Fallback); i++ {
		match := true
		for dim, want := range mp.Filter {
			if i > 0 {
				if alt, ok := mp.Fallback[i-1][dim]; ok {
					want = alt
				}
			}
			if got, _ := c.Code(dim); got != want {
				match = false
				break
			}
		}
		if match {
			return i, true
		}
	}
	return 0, false
}

// add appends o to out, or with sum adds it into the observation of the
// same key (Mapping.Sum); index maps keys to positions in out.
func add(out []extractors.Observation, index map[string]int, o extractors.Observation, sum bool) []extractors.Observation {
	key := o.Key()
	i, ok := index[key]
	if !ok || !sum {
		index[key] = len(out)
		return append(out, o)
	}
	s := &out[i]
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
	return out
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
	for _, alt := range m.alts {
		for _, o := range alt {
			if _, ok := m.summed[o.Key()]; !ok {
				if m.summed == nil {
					m.summed = map[string]int{}
				}
				m.summed[o.Key()] = len(m.out)
				m.out = append(m.out, o)
			}
		}
	}
	if m.cells == 0 {
		return fmt.Errorf("the answer holds no data cells")
	}
	if len(m.out) == 0 {
		return fmt.Errorf("none of %d cells matched the source's mapping (filters %v; %d cells of aggregates that are not countries): codes renamed or removed?",
			m.cells, m.s.Map.Filter, m.aggregates)
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
