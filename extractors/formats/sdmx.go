package formats

import (
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The SDMX readers: "sdmx-ml" (sdmx_xml.go), "sdmx-json" (sdmx_json.go) and
// "sdmx-csv" (sdmx_csv.go). Each decodes its syntax into observations
// (components plus the measure's text); the code here turns them into
// cells, the same way for all three:
//
//   - the cell's dimensions are the observation's dimensions, in the
//     message's order (series key, then the observation dimension; SDMX-JSON
//     by keyPosition); a message's data sets become one table each;
//   - the status is the value of the status attributes (OBS_STATUS,
//     OBS_FLAG, CONF_STATUS by default), joined with "," when several are
//     set; the measure "", "NaN" or a missing-value symbol is Missing, never 0;
//   - data sets and rows whose action is Delete carry no values and are
//     skipped; a message with no observation left is an error;
//   - every observation is checked before the first cell is emitted (the
//     messages are held in memory within max_bytes anyway), including that
//     no two observations of a data set share a key: a component taken for
//     an attribute that is really a dimension would otherwise collapse
//     series silently.
//
// Generic SDMX-ML and SDMX-JSON say which components are dimensions.
// Structure-specific SDMX-ML and SDMX-CSV do not (the DSD does, and a reader
// of one response has none): a component is an attribute when it is one of
// the attributes SDMX's cross-domain concepts and the big publishers use
// (sdmxKnownAttributes), or follows TIME_PERIOD in SDMX-CSV 1.0; everything
// else is a dimension. The parameters correct that per source.
//
// Parameters (all three readers):
//
//	dimensions   components that are dimensions, comma-separated
//	attributes   components that are attributes, comma-separated
//	status       attributes that make the status (default OBS_STATUS,OBS_FLAG,CONF_STATUS)
//	measure_dim  the dimension naming the measure when a message has
//	             several measures (default MEASURE)
//	max_bytes    body size (default 256 MiB); max_cells (default 50 million)
//	max_unzipped_bytes, max_zip_ratio  for a gzip-compressed answer
//	             (compressed=true at Eurostat)
func init() {
	extractors.RegisterReader(sdmxMLReader{})
	extractors.RegisterReader(sdmxJSONReader{})
	extractors.RegisterReader(sdmxCSVReader{})
}

// sdmxKind says what a component is, as far as the message tells.
type sdmxKind uint8

const (
	sdmxUnknown    sdmxKind = iota // the message does not say
	sdmxDim                        // the message says: a dimension
	sdmxAttr                       // the message says: an attribute
	sdmxLikelyAttr                 // the layout suggests an attribute (after TIME_PERIOD in SDMX-CSV 1.0)
)

// sdmxField is one component value of an observation.
type sdmxField struct {
	id, value string
	kind      sdmxKind
}

// sdmxObs is one observation as a syntax decodes it. The slices are only
// valid during the callback.
type sdmxObs struct {
	set     int         // index into the message's data sets
	fields  []sdmxField // series level first, then observation level
	value   string      // the measure's text; "" when absent or null
	measure string      // the measure's id when the message has several, else ""
}

// sdmxSet is one data set of a message.
type sdmxSet struct {
	name   string      // its structure or dataflow, for naming tables
	action string      // Information, Replace, Append, Delete ...
	attrs  []sdmxField // data-set level attributes
}

// sdmxWalk decodes a message, calling fn once per observation, then
// returns the message's data sets. Called twice, it must give the same.
type sdmxWalk func(fn func(*sdmxObs) error) ([]sdmxSet, error)

// sdmxKnownAttributes are component ids that are attributes in every DSD
// of SDMX's cross-domain concepts and of the publishers we read (ECB,
// Eurostat, IMF, OECD, INSEE, ISTAT, BIS). Only ids that are never
// dimensions belong here; a mistake is caught by the duplicate-key check.
var sdmxKnownAttributes = map[string]bool{
	"OBS_STATUS": true, "OBS_FLAG": true, "OBS_CONF": true, "OBS_PRE_BREAK": true, "OBS_COM": true,
	"OBS_COMMENT": true, "CONF_STATUS": true, "CONF_STATUS_OBS": true, "COMMENT_OBS": true, "COMMENT_TS": true,
	"COMMENT_DSET": true, "EMBARGO_DATE": true, "EMBARGO_TIME": true, "DECIMALS": true, "DECIMALS_DISPLAYED": true,
	"UNIT_MULT": true, "UNIT_MEASURE": true, "UNIT_INDEX_BASE": true, "UNIT": true, "SCALE": true,
	"BASE_PER": true, "BASE_YEAR": true, "TITLE": true, "TITLE_COMPL": true, "NAT_TITLE": true,
	"TIME_FORMAT": true, "TIME_PER_COLLECT": true, "COLL_METHOD": true, "COLLECTION": true, "COMPILATION": true,
	"SOURCE_AGENCY": true, "SOURCE_PUB": true, "BREAKS": true, "AVAILABILITY": true, "DOM_SER_IDS": true,
	"PUBL_PUBLIC": true, "PUBL_ECB": true, "PUBL_MU": true, "IDBANK": true, "LAST_UPDATE": true,
	"REF_PERIOD_DETAIL": true, "OVERLAP": true, "COUNTRY_UPDATE_DATE": true, "SERIES_NAME": true,
	"DATA_COMP": true, "DISS_ORG": true, "REF_YEAR_PRICE": true, "ADJUSTMENT_DETAIL": true,
}

// sdmxOptions are the parameters common to the three readers.
type sdmxOptions struct {
	dims, attrs map[string]bool
	status      []string
	measureDim  string
	maxCells    int64
}

func sdmxParams(in extractors.Input) (sdmxOptions, error) {
	o := sdmxOptions{
		dims:       sdmxSet2(in.Param("dimensions", "")),
		attrs:      sdmxSet2(in.Param("attributes", "")),
		status:     splitList(in.Param("status", "OBS_STATUS,OBS_FLAG,CONF_STATUS")),
		measureDim: in.Param("measure_dim", "MEASURE"),
	}
	for id := range o.dims {
		if o.attrs[id] {
			return o, fmt.Errorf("%s: %s is in both parameters dimensions and attributes", in.Name, id)
		}
	}
	var err error
	o.maxCells, err = int64Param(in, "max_cells", DefaultMaxCells)
	return o, err
}

func sdmxSet2(list string) map[string]bool {
	m := map[string]bool{}
	for _, s := range splitList(list) {
		m[s] = true
	}
	return m
}

// isDim decides whether a component is a dimension.
func (o *sdmxOptions) isDim(f *sdmxField) bool {
	switch {
	case f.kind == sdmxDim:
		return true
	case f.kind == sdmxAttr:
		return false
	case o.dims[f.id]:
		return true
	case o.attrs[f.id] || f.kind == sdmxLikelyAttr:
		return false
	}
	return !sdmxKnownAttributes[f.id]
}

// sdmxTable is what the driver knows of one data set.
type sdmxTable struct {
	table *extractors.Table
	index map[string]int      // dimension id -> position in Dims
	keys  map[uint64]struct{} // hashes of the keys seen (first pass)
	cells int
}

// sdmxDriver turns observations into cells.
type sdmxDriver struct {
	in     extractors.Input
	opt    sdmxOptions
	where  func() string // the position of the observation being read
	tables map[int]*sdmxTable
	order  []int // data sets in the order their first cell came
	total  int64
	seed   maphash.Seed
	codes  []string // scratch for the first pass
}

// sdmxRead runs walk twice: once to check every observation and learn the
// tables, once to emit.
func sdmxRead(ctx context.Context, in extractors.Input, walk sdmxWalk, where func() string, emit extractors.Emit) error {
	opt, err := sdmxParams(in)
	if err != nil {
		return err
	}
	d := &sdmxDriver{in: in, opt: opt, where: where, tables: map[int]*sdmxTable{}, seed: maphash.MakeSeed()}
	sets, err := walk(func(o *sdmxObs) error { return d.observe(ctx, o, nil) })
	if err != nil {
		return err
	}
	if d.total == 0 {
		deleted := 0
		for _, s := range sets {
			if sdmxDeletes(s.action) {
				deleted++
			}
		}
		if deleted > 0 {
			return in.Errorf("", "no observations to load: %d data set(s) of %d only delete observations", deleted, len(sets))
		}
		return in.Errorf("", "no observations: the message has %d data set(s) and no values (a query that matched nothing?)", len(sets))
	}
	if len(d.order) > 1 {
		d.name(sets)
	}
	for _, t := range d.tables {
		t.keys = nil
	}
	_, err = walk(func(o *sdmxObs) error { return d.observe(ctx, o, emit) })
	return err
}

// sdmxDeletes reports whether a data set or row action deletes data.
func sdmxDeletes(action string) bool {
	return strings.EqualFold(action, "Delete") || strings.EqualFold(action, "D")
}

// name gives each table its data set's name, made unique.
func (d *sdmxDriver) name(sets []sdmxSet) {
	count := map[string]int{}
	for _, i := range d.order {
		count[sets[i].name]++
	}
	for _, i := range d.order {
		name := sets[i].name
		if name == "" || count[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, i+1)
		}
		d.tables[i].table.Dataset = name
	}
}

// observe checks one observation (emit == nil) or emits its cell.
func (d *sdmxDriver) observe(ctx context.Context, o *sdmxObs, emit extractors.Emit) error {
	t := d.tables[o.set]
	if t == nil {
		if emit != nil {
			return d.in.Errorf(d.where(), "internal: a data set the first pass did not see")
		}
		var err error
		if t, err = d.newTable(o); err != nil {
			return err
		}
		d.tables[o.set] = t
		d.order = append(d.order, o.set)
	}
	var codes []string
	if emit != nil {
		codes = make([]string, len(t.table.Dims))
	} else {
		codes = slices.Grow(d.codes[:0], len(t.table.Dims))[:len(t.table.Dims)]
		clear(codes)
		d.codes = codes
	}
	var status []string
	for i := range o.fields {
		f := &o.fields[i]
		if d.opt.isDim(f) {
			j, ok := t.index[f.id]
			if !ok {
				return d.in.Errorf(d.where(), "dimension %s is not among the dimensions %v of the data set's first observation; if %s is an attribute, set the parameter attributes=%s", f.id, t.table.Dims, f.id, f.id)
			}
			if codes[j] != "" || f.value == "" {
				if f.value == "" {
					return d.in.Errorf(d.where(), "dimension %s has no value", f.id)
				}
				return d.in.Errorf(d.where(), "dimension %s given twice", f.id)
			}
			codes[j] = f.value
			continue
		}
		if f.value != "" && slices.Contains(d.opt.status, f.id) {
			status = append(status, f.value)
		}
	}
	if o.measure != "" {
		j, ok := t.index[d.opt.measureDim]
		if !ok {
			return d.in.Errorf(d.where(), "measure %s in a data set whose first observation had one measure", o.measure)
		}
		codes[j] = o.measure
	}
	for j, c := range codes {
		if c == "" {
			return d.in.Errorf(d.where(), "no value for dimension %s, which the data set's first observation has; if %s is an attribute, set the parameter attributes=%s", t.table.Dims[j], t.table.Dims[j], t.table.Dims[j])
		}
	}
	cell := extractors.Cell{Table: t.table, Codes: codes}
	v, missing, symbol, err := sdmxNumber(o.value)
	if err != nil {
		return d.in.Errorf(d.where(), "%v", err)
	}
	cell.Value, cell.Missing = v, missing
	cell.Status = strings.Join(status, ",")
	if missing && cell.Status == "" {
		cell.Status = symbol
	}
	if emit != nil {
		return emit(cell)
	}
	// First pass: limits, and no key twice.
	if d.total++; d.total > d.opt.maxCells {
		return d.in.Errorf(d.where(), "more than max_cells=%d observations", d.opt.maxCells)
	}
	if d.total&4095 == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: %w", d.in.Name, err)
		}
	}
	var h maphash.Hash
	h.SetSeed(d.seed)
	for _, c := range codes {
		h.WriteString(c)
		h.WriteByte(0)
	}
	k := h.Sum64()
	if _, dup := t.keys[k]; dup {
		return d.in.Errorf(d.where(), "a second observation with the key %s=%s: the data set has a dimension this reader took for an attribute (set the parameter dimensions=...), or the message repeats itself",
			strings.Join(t.table.Dims, "."), strings.Join(codes, "."))
	}
	t.keys[k] = struct{}{}
	t.cells++
	return nil
}

// newTable fixes a data set's dimensions from its first observation.
func (d *sdmxDriver) newTable(o *sdmxObs) (*sdmxTable, error) {
	t := &sdmxTable{table: &extractors.Table{Roles: map[string]string{}}, index: map[string]int{}, keys: map[uint64]struct{}{}}
	add := func(id string) error {
		if _, dup := t.index[id]; dup {
			return d.in.Errorf(d.where(), "dimension %s given twice", id)
		}
		t.index[id] = len(t.table.Dims)
		t.table.Dims = append(t.table.Dims, id)
		switch id {
		case "TIME_PERIOD", "TIME":
			t.table.Roles[id] = "time"
		case "REF_AREA", "geo", "GEO":
			t.table.Roles[id] = "geo"
		}
		return nil
	}
	for i := range o.fields {
		if f := &o.fields[i]; d.opt.isDim(f) {
			if f.id == "" {
				return nil, d.in.Errorf(d.where(), "a component without an id")
			}
			if err := add(f.id); err != nil {
				return nil, err
			}
		}
	}
	if o.measure != "" {
		if err := add(d.opt.measureDim); err != nil {
			return nil, d.in.Errorf(d.where(), "a dimension is named like the measures' %s; set measure_dim to another name", d.opt.measureDim)
		}
		t.table.Roles[d.opt.measureDim] = "metric"
	}
	if len(t.table.Dims) == 0 {
		return nil, d.in.Errorf(d.where(), "an observation without dimensions")
	}
	return t, nil
}

// sdmxNumber reads an observation value as SDMX publishers write it: a
// number with "." or, in SDMX-CSV written for spreadsheets, "," as the
// decimal mark (SDMX never groups thousands, so "1,5" is 1.5); "", "NaN"
// or a missing-value symbol ("..", "-", ":") is missing.
func sdmxNumber(s string) (v float64, missing bool, symbol string, err error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "NaN" || s == "nan" {
		return 0, true, "", nil
	}
	if v, ok := numericString(s); ok {
		return v, false, "", nil
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		if v, ok := numericString(strings.Replace(s, ",", ".", 1)); ok {
			return v, false, "", nil
		}
	}
	if sym, ok := missingSymbol(s); ok {
		return 0, true, sym, nil
	}
	return 0, false, "", fmt.Errorf("observation value %s is neither a number nor a missing-value symbol", strconv.Quote(excerpt([]byte(s), 40)))
}

// sdmxStripLabel returns the code of a "CODE: Label" cell (SDMX-CSV with
// labels=both). Codes never contain spaces, so a cell whose part before
// ": " has one is text and stays whole.
func sdmxStripLabel(s string) string {
	code, _, found := strings.Cut(s, ": ")
	if !found || strings.ContainsAny(code, " \t") || code == "" {
		return s
	}
	return code
}
