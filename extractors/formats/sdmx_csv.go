package formats

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emigre/emigre/extractors"
)

// The "sdmx-csv" reader reads SDMX-CSV 1.0 (first column DATAFLOW) and 2.0
// (STRUCTURE, STRUCTURE_ID, ACTION, optional SERIES_KEY and OBS_KEY):
//
//   - the delimiter is what follows the first header cell ("," or ";" or
//     tab) unless the delimiter parameter says;
//   - values with a decimal comma ("12,4", as ";" files written for
//     spreadsheets have them) are read as decimals: SDMX never groups
//     thousands;
//   - "CODE: Label" cells and headers (labels=both) are read as their code;
//   - several measures (OBS_VALUE1, OBS_VALUE2 ... or the measures
//     parameter) give one cell each, told apart by the measure_dim dimension;
//   - rows with ACTION D (delete) carry no value and are skipped; several
//     dataflows in one file become one table each;
//   - SDMX-CSV 2.0 written with labels=name (a STRUCTURE_NAME column, as in
//     Eurostat's Data Browser downloads "with labels") follows each
//     component's column with a column of its localised names ("geo,
//     Geopolitical entity (reporting)", "DE,Germany"): those are labels of
//     the column before, never dimensions, and the cells keep the codes.
//
// Which columns are dimensions: see sdmx.go. In SDMX-CSV 1.0 the columns
// after TIME_PERIOD are attributes (TIME_PERIOD is the last dimension of a
// 2.1 structure). Parameters: those of every SDMX reader, delimiter, and
// measures (the measure columns, comma-separated; default OBS_VALUE, else
// every column whose id starts with OBS_VALUE).
type sdmxCSVReader struct{}

func (sdmxCSVReader) Format() string { return SDMXCSV }

func (sdmxCSVReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	data, err := sdmxBody(in)
	if err != nil {
		return err
	}
	w, err := newSDMXCSVWalker(in, data)
	if err != nil {
		return err
	}
	return sdmxRead(ctx, in, w.walk, w.position, emit)
}

// sdmxCSVRole is what a column is for.
type sdmxCSVRole uint8

const (
	csvComponent sdmxCSVRole = iota // a dimension or attribute
	csvMeasure
	csvStructureID // DATAFLOW (1.0), STRUCTURE_ID (2.0): names the data set
	csvAction
	csvIgnored // STRUCTURE, STRUCTURE_NAME, SERIES_KEY, OBS_KEY, technical columns
	csvLabel   // labels=name: the localised names of the component in the column before
)

// sdmxCSVMessageColumns are the columns SDMX-CSV adds to the components.
var sdmxCSVMessageColumns = map[string]sdmxCSVRole{
	"DATAFLOW": csvStructureID, "STRUCTURE_ID": csvStructureID, "ACTION": csvAction,
	"STRUCTURE": csvIgnored, "STRUCTURE_NAME": csvIgnored, "SERIES_KEY": csvIgnored, "OBS_KEY": csvIgnored,
	"LAST UPDATE": csvIgnored, "UPDATED": csvIgnored, "VALID_FROM": csvIgnored, "VALID_TO": csvIgnored,
}

type sdmxCSVColumn struct {
	id   string
	role sdmxCSVRole
	kind sdmxKind
}

type sdmxCSVWalker struct {
	in    extractors.Input
	data  []byte
	delim rune
	cols  []sdmxCSVColumn
	multi bool // several measures
	max   int  // max_cell_bytes
	line  int
	col   int
}

func (w *sdmxCSVWalker) position() string {
	if w.col < 0 || w.col >= len(w.cols) {
		return fmt.Sprintf("line %d", w.line)
	}
	return fmt.Sprintf("line %d, column %d (%s)", w.line, w.col+1, w.cols[w.col].id)
}

func newSDMXCSVWalker(in extractors.Input, data []byte) (*sdmxCSVWalker, error) {
	first, _, _ := bytes.Cut(data, []byte{'\n'})
	first = bytes.TrimRight(first, "\r")
	if looksLikeHTML(data[:min(len(data), 512)]) || bytes.HasPrefix(bytes.TrimSpace(first), []byte("<")) {
		return nil, notWantedHTML(in, bytes.NewReader(data), "SDMX-CSV")
	}
	if !utf8.Valid(first) {
		return nil, in.Errorf("line 1", "a header that is not UTF-8: SDMX-CSV is UTF-8")
	}
	maxCell, err := maxCellBytes(in)
	if err != nil {
		return nil, err
	}
	w := &sdmxCSVWalker{in: in, data: data, line: 1, col: -1, max: maxCell}
	if in.Param("delimiter", "") != "" {
		d, err := csvDelimiter(in)
		if err != nil {
			return nil, err
		}
		w.delim = d
	} else {
		d, err := sdmxCSVDelimiter(in, string(first))
		if err != nil {
			return nil, err
		}
		w.delim = d
	}
	r := w.reader()
	header, err := r.Read()
	if err != nil {
		return nil, csvReadError(in, err)
	}
	measures := splitList(in.Param("measures", ""))
	if len(measures) == 0 {
		for _, h := range header {
			if id := sdmxCSVHeaderID(h); id == "OBS_VALUE" {
				measures = []string{id}
			}
		}
	}
	if len(measures) == 0 {
		for _, h := range header {
			if id := sdmxCSVHeaderID(h); strings.HasPrefix(id, "OBS_VALUE") {
				measures = append(measures, id)
			}
		}
	}
	v1 := sdmxCSVHeaderID(header[0]) == "DATAFLOW"
	if !v1 && sdmxCSVHeaderID(header[0]) != "STRUCTURE" {
		return nil, in.Errorf("line 1, column 1", "not SDMX-CSV: the first column is %q, want DATAFLOW (1.0) or STRUCTURE (2.0)", excerpt([]byte(header[0]), 40))
	}
	// labels=name (SDMX-CSV 2.0): the message names its structure in a
	// STRUCTURE_NAME column and every component column is followed by
	// the column of its names.
	named := !v1 && slices.ContainsFunc(header, func(h string) bool { return sdmxCSVHeaderID(h) == "STRUCTURE_NAME" })
	afterTime := false
	seen := map[string]bool{}
	for i, h := range header {
		id := sdmxCSVHeaderID(h)
		c := sdmxCSVColumn{id: id}
		if named && i > 0 && (w.cols[i-1].role == csvComponent || w.cols[i-1].role == csvMeasure) {
			// The label column of the component before: its header is
			// the component's name ("Time", "Observation value"), which
			// may repeat another's, so it is neither checked nor kept.
			w.cols = append(w.cols, sdmxCSVColumn{id: id, role: csvLabel})
			continue
		}
		if role, ok := sdmxCSVMessageColumns[id]; ok {
			c.role = role
		} else if slices.Contains(measures, id) {
			c.role = csvMeasure
		} else if strings.HasSuffix(strings.TrimSpace(sdmxStripLabel(h)), "[]") || v1 && afterTime {
			c.kind = sdmxLikelyAttr // an array attribute, or after TIME_PERIOD in 1.0
		}
		if id == "" {
			return nil, in.Errorf(fmt.Sprintf("line 1, column %d", i+1), "an empty column name")
		}
		if seen[id] {
			return nil, in.Errorf(fmt.Sprintf("line 1, column %d", i+1), "column %s twice", id)
		}
		seen[id] = true
		if id == "TIME_PERIOD" {
			afterTime = true
		}
		w.cols = append(w.cols, c)
	}
	n := 0
	for _, m := range measures {
		if !seen[m] {
			return nil, in.Errorf("line 1", "no measure column %s (columns %s)", m, keyList(sdmxCSVIDs(w.cols), 30))
		}
		n++
	}
	if n == 0 {
		return nil, in.Errorf("line 1", "no OBS_VALUE column: name the measure columns with the measures parameter (columns %s)", keyList(sdmxCSVIDs(w.cols), 30))
	}
	w.multi = n > 1
	return w, nil
}

func sdmxCSVIDs(cols []sdmxCSVColumn) []string {
	ids := make([]string, len(cols))
	for i, c := range cols {
		ids[i] = c.id
	}
	return ids
}

// sdmxCSVHeaderID is a header cell's component id: "DIM_1: Dimension 1"
// is DIM_1, "STRUCTURE[;]" STRUCTURE, "ATTR_1[]" ATTR_1.
func sdmxCSVHeaderID(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	id := sdmxStripLabel(h)
	if i := strings.IndexByte(id, '['); i > 0 && strings.HasSuffix(id, "]") {
		id = id[:i]
	}
	return strings.TrimSpace(id)
}

// sdmxCSVDelimiter is the character after the first header cell
// (DATAFLOW, STRUCTURE, STRUCTURE[;], with an optional ": label").
func sdmxCSVDelimiter(in extractors.Input, header string) (rune, error) {
	s := strings.TrimPrefix(header, "\ufeff")
	start := 0
	if i := strings.IndexByte(s, ']'); strings.HasPrefix(s, "STRUCTURE[") && i > 0 {
		start = i + 1
	}
	if i := strings.IndexAny(s[start:], ",;\t"); i >= 0 {
		return rune(s[start+i]), nil
	}
	return 0, in.Errorf("line 1", "no delimiter (',', ';' or tab) in the header %q: not SDMX-CSV, or set the delimiter parameter", excerpt([]byte(header), 60))
}

func (w *sdmxCSVWalker) reader() *csv.Reader {
	r := csv.NewReader(bytes.NewReader(w.data))
	r.Comma = w.delim
	r.ReuseRecord = true
	return r
}

func (w *sdmxCSVWalker) walk(fn func(*sdmxObs) error) ([]sdmxSet, error) {
	r := w.reader()
	if _, err := r.Read(); err != nil {
		return nil, csvReadError(w.in, err)
	}
	r.FieldsPerRecord = len(w.cols)
	var (
		sets  []sdmxSet
		live  []bool // a set has rows that are not deletes
		index = map[string]int{}
		o     sdmxObs
	)
	for {
		w.col = -1
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvReadError(w.in, err)
		}
		w.line, _ = r.FieldPos(0)
		name, action := "", ""
		o.fields = o.fields[:0]
		for i, c := range w.cols {
			v := rec[i]
			if len(v) > w.max {
				w.col = i
				return nil, w.in.Errorf(w.position(), "a cell of %d bytes, more than max_cell_bytes=%d", len(v), w.max)
			}
			switch c.role {
			case csvStructureID:
				name = sdmxStripLabel(strings.TrimSpace(v))
			case csvAction:
				action = strings.TrimSpace(v)
			case csvComponent:
				o.fields = append(o.fields, sdmxField{id: c.id, value: sdmxStripLabel(strings.TrimSpace(v)), kind: c.kind})
			}
		}
		set, ok := index[name]
		if !ok {
			set = len(sets)
			index[name] = set
			sets = append(sets, sdmxSet{name: name, action: "Delete"})
			live = append(live, false)
		}
		if sdmxDeletes(action) {
			continue
		}
		if !live[set] {
			live[set] = true
			sets[set].action = action
		}
		o.set = set
		for i, c := range w.cols {
			if c.role != csvMeasure {
				continue
			}
			w.col = i
			o.value = rec[i]
			if w.multi {
				o.measure = c.id
			}
			if err := fn(&o); err != nil {
				return nil, err
			}
		}
	}
	w.col = -1
	return sets, nil
}
