package formats

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emigre/emigre/extractors"
)

// The "genesis" reader reads what the Destatis GENESIS-Online REST 2020 API
// (and the Länder and Regionalstatistik databases running GENESIS) answers:
//
//   - data/tablefile with format=ffcsv: a zip holding one flat-file CSV
//     (UTF-8 with a BOM, ';'), or that CSV itself. Two layouts exist: the
//     long one (statistics_code;...;time;N_variable_code;...;value;
//     value_unit;value_variable_code;value_variable_label, plus value_q with
//     quality=on), and the older wide one with German headers
//     (Statistik_Code;...;Zeit;N_Merkmal_Code;...;N_Auspraegung_Code;...
//     then one column per measure "CODE__Label__Unit" and its quality
//     column "CODE__Label__q");
//   - data/cubefile: the K/D line format ("K;QEI;..." header lines, "D;..."
//     data lines; facts with value, quality, locked and falsified columns);
//   - a JSON answer (metadata/table, or a tablefile request that failed or
//     was queued as a job): an error saying what GENESIS said, never an
//     empty table.
//
// Cells: dimension "time" (the time column: "2023", "2022-05-15"), one
// dimension per classifying variable named by its code (DINSG, STAAG,
// GES...) with the attribute codes as codes, and "value_variable" (the
// measure code: BEV001, GUT004). Values use a decimal comma or point and no
// digit grouping. A symbol instead of a value ("-" nothing, "." secret or
// unknown, "..." not yet available, "x" not meaningful, "/" too uncertain)
// is Missing with the symbol as status; the quality column's flag (e, p,
// r) is the status of a value.
//
// Parameters: charset (older flat files are ISO-8859-1; default utf-8),
// member (a regular expression picking the zip member when there are
// several), dim.ID=REGEX (the classifying variable whose code matches REGEX
// becomes dimension ID: GENESIS numbers the variants of one classification
// per table, STAAG5 in 12531-0043 and STAAG6 in 12521-0041, with the same
// attribute codes), max_rows, max_cell_bytes, max_bytes and the zip limits.
func init() { extractors.RegisterReader(genesisReader{}) }

type genesisReader struct{}

func (genesisReader) Format() string { return Genesis }

// genesisSymbols are the GENESIS "Zeichenerklärung" signs for a value that
// is not a number.
var genesisSymbols = map[string]bool{"-": true, ".": true, "...": true, "x": true, "/": true, "…": true, "": true}

func (genesisReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	data, err := readLimited(in)
	if err != nil {
		return err
	}
	if isZip(data) {
		if data, in, err = genesisZipMember(in, data); err != nil {
			return err
		}
	}
	if enc, err := declaredCharset(in); err != nil {
		return err
	} else if enc != nil {
		if data, err = enc.NewDecoder().Bytes(data); err != nil {
			return in.Errorf("", "decoding charset %s: %v", in.Param("charset", ""), err)
		}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		line := bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n")) + 1
		return in.Errorf(fmt.Sprintf("line %d", line), "bytes that are not UTF-8: declare the file's charset (older flat files are iso-8859-1)")
	}
	head := bytes.TrimLeft(data[:min(len(data), 512)], " \t\r\n")
	switch {
	case len(head) == 0:
		return in.Errorf("", "empty body")
	case head[0] == '{' || head[0] == '[':
		return genesisJSONAnswer(in, data)
	case looksLikeHTML(head):
		return notWantedHTML(in, bytes.NewReader(data), "a GENESIS table")
	case bytes.HasPrefix(head, []byte("interactions:")):
		return in.Errorf("line 1", "a VCR cassette (recorded HTTP interactions, a test fixture), not a GENESIS answer: the body of each data/tablefile interaction is the zip to read")
	case head[0] == '*' || bytes.HasPrefix(head, []byte("K;")):
		return readGenesisCube(ctx, in, data, emit)
	}
	return readGenesisFlat(ctx, in, data, emit)
}

// genesisZipMember picks the CSV inside a tablefile zip and names it in
// the input's name, so errors point into the archive.
func genesisZipMember(in extractors.Input, data []byte) ([]byte, extractors.Input, error) {
	zr, lim, err := openZip(in, data)
	if err != nil {
		return nil, in, err
	}
	var re *regexp.Regexp
	if m := in.Param("member", ""); m != "" {
		if re, err = regexp.Compile(m); err != nil {
			return nil, in, fmt.Errorf("%s: parameter member=%q: %v", in.Name, m, err)
		}
	}
	var pick []int
	for i, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if re != nil && re.MatchString(f.Name) || re == nil && strings.HasSuffix(strings.ToLower(f.Name), ".csv") {
			pick = append(pick, i)
		}
	}
	if len(pick) != 1 {
		return nil, in, in.Errorf("", "the zip holds %d matching CSV members (%s); name one with the member parameter", len(pick), zipMemberNames(zr))
	}
	f := zr.File[pick[0]]
	body, err := readZipMember(in, f, lim)
	if err != nil {
		return nil, in, err
	}
	in.Name += "!" + f.Name
	return body, in, nil
}

// genesisJSONAnswer turns a JSON answer into the error it is: a failed or
// queued request, or metadata where data was expected.
func genesisJSONAnswer(in extractors.Input, data []byte) error {
	var a struct {
		Ident  struct{ Service, Method string }
		Status *struct {
			Code    json64
			Content string
			Type    string
		}
		Object *struct {
			Code    string
			Content string
			Time    *struct{ From, To string }
		}
	}
	if err := json.Unmarshal(data, &a); err != nil || a.Status == nil {
		return in.Errorf("$", "JSON, not a GENESIS table, and not a GENESIS status answer either (no Status): %s", excerpt(data, 80))
	}
	st := a.Status
	if st.Code != 0 || strings.EqualFold(st.Type, "Fehler") || strings.EqualFold(st.Type, "Error") {
		return in.Errorf("$.Status", "GENESIS answered status %d (%s): %s", st.Code, st.Type, st.Content)
	}
	what := strings.Trim(a.Ident.Service+"/"+a.Ident.Method, "/")
	if a.Object == nil {
		return in.Errorf("$", "a GENESIS %s answer (status %d %s), not a table", what, st.Code, st.Content)
	}
	msg := fmt.Sprintf("GENESIS %s of %s (%q", what, a.Object.Code, strings.Join(strings.Fields(a.Object.Content), " "))
	if t := a.Object.Time; t != nil {
		msg += fmt.Sprintf(", time %s to %s", t.From, t.To)
	}
	msg += "), not data: request data/tablefile with format=ffcsv"
	return in.Errorf("$.Object", "%s", msg)
}

// genesisRecords reads the ';'-separated records of a GENESIS file within
// the row and cell limits.
type genesisRecords struct {
	ctx     context.Context
	in      extractors.Input
	r       *csv.Reader
	rows    int64
	maxRows int64
	maxCell int64
}

func newGenesisRecords(ctx context.Context, in extractors.Input, data []byte) (*genesisRecords, error) {
	maxRows, err := int64Param(in, "max_rows", defaultMaxRows)
	if err != nil {
		return nil, err
	}
	maxCell, err := int64Param(in, "max_cell_bytes", DefaultMaxCellBytes)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	return &genesisRecords{ctx: ctx, in: in, r: r, maxRows: maxRows, maxCell: maxCell}, nil
}

// next returns the next record and its line, io.EOF at the end.
func (g *genesisRecords) next() ([]string, int, error) {
	if err := g.ctx.Err(); err != nil {
		return nil, 0, err
	}
	rec, err := g.r.Read()
	if err == io.EOF {
		return nil, 0, err
	}
	if err != nil {
		return nil, 0, csvReadError(g.in, err)
	}
	line, _ := g.r.FieldPos(0)
	for i, f := range rec {
		if int64(len(f)) > g.maxCell {
			return nil, 0, g.in.Errorf(fmt.Sprintf("line %d, column %d", line, i+1), "cell of %d bytes, more than max_cell_bytes=%d", len(f), g.maxCell)
		}
	}
	if g.rows++; g.rows > g.maxRows {
		return nil, 0, g.in.Errorf(fmt.Sprintf("line %d", line), "more than max_rows=%d lines", g.maxRows)
	}
	return rec, line, nil
}

// genesisValue reads a GENESIS value: a number with a decimal comma or
// point, or a symbol (Missing, the symbol as status).
func genesisValue(in extractors.Input, pos, raw string, cell *extractors.Cell) error {
	s := strings.TrimSpace(raw)
	if genesisSymbols[s] {
		cell.Missing = true
		cell.Status = joinStatus(s, cell.Status)
		return nil
	}
	if strings.Trim(s, "0123456789.,-") != "" || strings.Count(s, ",")+strings.Count(s, ".") > 1 {
		return in.Errorf(pos, "value %q is neither a number nor a GENESIS symbol (- . ... x /)", excerpt([]byte(s), 40))
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return in.Errorf(pos, "value %q: %v", s, err)
	}
	cell.Value = v
	return nil
}

// genesisHeaderNames maps the older German flat-file headers onto the
// current English ones.
var genesisHeaderNames = strings.NewReplacer("Statistik", "statistics", "Zeit", "time", "Auspraegung", "variable_attribute", "Merkmal", "variable", "Wert", "value", "Code", "code", "Label", "label")

type genesisMeasure struct {
	code    string // value_variable code
	col     int
	qualCol int // -1 when none
}

// readGenesisFlat reads a flat-file CSV (ffcsv), long or wide.
func readGenesisFlat(ctx context.Context, in extractors.Input, data []byte, emit extractors.Emit) error {
	recs, err := newGenesisRecords(ctx, in, data)
	if err != nil {
		return err
	}
	header, _, err := recs.next()
	if err == io.EOF {
		return in.Errorf("", "empty body")
	}
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !strings.Contains(h, "__") {
			h = genesisHeaderNames.Replace(h)
		}
		header[i] = h
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	timeCol, ok := col["time"]
	if !ok {
		return in.Errorf("line 1", "not a GENESIS flat file: no time (Zeit) column in the header %q", excerpt([]byte(strings.Join(header, ";")), 120))
	}
	var varCols, attrCols []int
	for n := 1; ; n++ {
		vc, ok1 := col[fmt.Sprintf("%d_variable_code", n)]
		ac, ok2 := col[fmt.Sprintf("%d_variable_attribute_code", n)]
		if !ok1 || !ok2 {
			break
		}
		varCols, attrCols = append(varCols, vc), append(attrCols, ac)
	}
	measures, measureCol, err := genesisMeasures(in, header, col)
	if err != nil {
		return err
	}
	names, err := genesisDimParams(in)
	if err != nil {
		return err
	}
	recs.r.FieldsPerRecord = len(header)
	var table *extractors.Table
	var varCodes []string // the classifying variables' codes, as published
	for {
		rec, line, err := recs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if table == nil {
			// The first row names the classifying variables.
			table = &extractors.Table{Dims: []string{"time"}, Roles: map[string]string{"time": "time"}}
			for i, vc := range varCols {
				code := strings.TrimSpace(rec[vc])
				if code == "" {
					return in.Errorf(fmt.Sprintf("line %d, column %d", line, vc+1), "%s is empty", header[varCols[i]])
				}
				varCodes = append(varCodes, code)
				table.Dims = append(table.Dims, names.of(code))
			}
			table.Dims = append(table.Dims, "value_variable")
			if err := checkUniqueDims(in, fmt.Sprintf("line %d", line), table.Dims); err != nil {
				return err
			}
		}
		codes := make([]string, 0, len(table.Dims))
		codes = append(codes, genesisTime(rec[timeCol]))
		for i, vc := range varCols {
			if got := strings.TrimSpace(rec[vc]); got != varCodes[i] {
				return in.Errorf(fmt.Sprintf("line %d, column %d", line, vc+1), "variable %d is %q here but %q in the first row", i+1, got, varCodes[i])
			}
			codes = append(codes, strings.TrimSpace(rec[attrCols[i]]))
		}
		for _, m := range measures {
			code := m.code
			if measureCol >= 0 {
				code = strings.TrimSpace(rec[measureCol])
			}
			cell := extractors.Cell{Table: table, Codes: append(codes[:len(codes):len(codes)], code)}
			if m.qualCol >= 0 {
				cell.Status = strings.TrimSpace(rec[m.qualCol])
			}
			if err := genesisValue(in, fmt.Sprintf("line %d, column %d", line, m.col+1), rec[m.col], &cell); err != nil {
				return err
			}
			if err := emit(cell); err != nil {
				return err
			}
		}
	}
	if table == nil {
		return in.Errorf("", "a GENESIS flat file with a header and no data rows")
	}
	return nil
}

// genesisMeasures finds the value columns: "value" (long layout, the
// measure code in value_variable_code) or the CODE__...
// columns of the wide layout, each with its "__q" quality column.
func genesisMeasures(in extractors.Input, header []string, col map[string]int) ([]genesisMeasure, int, error) {
	if vc, ok := col["value"]; ok {
		mc, ok := col["value_variable_code"]
		if !ok {
			return nil, 0, in.Errorf("line 1", "a value column but no value_variable_code column")
		}
		q := -1
		if qc, ok := col["value_q"]; ok {
			q = qc
		}
		return []genesisMeasure{{col: vc, qualCol: q}}, mc, nil
	}
	var ms []genesisMeasure
	for i, h := range header {
		if !strings.Contains(h, "__") || strings.HasSuffix(h, "__q") {
			continue
		}
		code, _, _ := strings.Cut(h, "__")
		m := genesisMeasure{code: code, col: i, qualCol: -1}
		for j, q := range header {
			if p, ok := strings.CutSuffix(q, "__q"); ok && (h == p || strings.HasPrefix(h, p+"__")) {
				m.qualCol = j
			}
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return nil, 0, in.Errorf("line 1", "not a GENESIS flat file: neither a value column nor CODE__label measure columns in the header")
	}
	return ms, -1, nil
}

func checkUniqueDims(in extractors.Input, pos string, dims []string) error {
	seen := map[string]bool{}
	for _, d := range dims {
		if seen[d] {
			return in.Errorf(pos, "dimension %q appears twice", d)
		}
		seen[d] = true
	}
	return nil
}

// readGenesisCube reads the data/cubefile K/D format: "K;BLOCK;COLUMNS..."
// opens a block, "D;..." lines are its rows, "*" lines are comments. The
// DQA block lists the cube's axes (classifying variables), DQZ its time
// variable, DQI its measures; the QEI block holds the facts, one line per
// combination of axis codes and time: FACH-SCHL per axis, ZI-WERT, then
// WERT;QUALITAET;GESPERRT;WERT-VERFAELSCHT per measure.
func readGenesisCube(ctx context.Context, in extractors.Input, data []byte, emit extractors.Emit) error {
	recs, err := newGenesisRecords(ctx, in, data)
	if err != nil {
		return err
	}
	recs.r.Comment = '*'
	var (
		block    string
		axes     []string
		measures []string
		table    *extractors.Table
		valCols  []int // per measure: WERT column
		qualCols []int // per measure: QUALITAET column
		lockCols []int // per measure: GESPERRT column
		timeCol  int
		facts    int
	)
	for {
		rec, line, err := recs.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		pos := fmt.Sprintf("line %d", line)
		switch strings.TrimSpace(rec[0]) {
		case "K":
			if len(rec) < 2 {
				return in.Errorf(pos, "a K line without a block name")
			}
			block = rec[1]
			if block == "QEI" {
				if table, err = genesisCubeTable(in, pos, rec, axes, measures); err != nil {
					return err
				}
				// A D line lacks the block name of its K line: header
				// field i+2 describes data field i (after the "D").
				timeCol = len(axes)
				valCols, qualCols, lockCols = nil, nil, nil
				for i, name := range rec[2:] {
					switch name {
					case "WERT":
						valCols = append(valCols, i)
					case "QUALITAET":
						qualCols = append(qualCols, i)
					case "GESPERRT":
						lockCols = append(lockCols, i)
					}
				}
				if len(valCols) != len(measures) || len(qualCols) != len(measures) {
					return in.Errorf(pos, "QEI header has %d WERT and %d QUALITAET columns for %d measures (DQI)", len(valCols), len(qualCols), len(measures))
				}
			}
		case "D":
			if len(rec) < 2 {
				return in.Errorf(pos, "a D line without fields")
			}
			d := rec[1:]
			switch block {
			case "DQA":
				axes = append(axes, strings.TrimSpace(d[0]))
			case "DQI":
				measures = append(measures, strings.TrimSpace(d[0]))
			case "QEI":
				facts++
				if err := genesisCubeFacts(in, line, d, table, timeCol, valCols, qualCols, lockCols, measures, emit); err != nil {
					return err
				}
			case "":
				return in.Errorf(pos, "a D line before any K line")
			}
		default:
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			return in.Errorf(pos, "not a GENESIS cube line: want K;... or D;..., got %q", excerpt([]byte(strings.Join(rec, ";")), 60))
		}
	}
	if table == nil || facts == 0 {
		return in.Errorf("", "a GENESIS cube without facts (no K;QEI block, or no D lines in it)")
	}
	return nil
}

func genesisCubeTable(in extractors.Input, pos string, rec, axes, measures []string) (*extractors.Table, error) {
	if len(axes) == 0 || len(measures) == 0 {
		return nil, in.Errorf(pos, "the QEI block comes before the cube's axes (DQA: %d) and measures (DQI: %d)", len(axes), len(measures))
	}
	keys := 0
	for _, name := range rec[2:] {
		if name == "FACH-SCHL" {
			keys++
		}
	}
	if keys != len(axes) {
		return nil, in.Errorf(pos, "QEI header has %d FACH-SCHL columns for %d axes (DQA)", keys, len(axes))
	}
	names, err := genesisDimParams(in)
	if err != nil {
		return nil, err
	}
	dims := make([]string, 0, len(axes)+2)
	for _, a := range axes {
		dims = append(dims, names.of(a))
	}
	dims = append(dims, "time", "value_variable")
	if err := checkUniqueDims(in, pos, dims); err != nil {
		return nil, err
	}
	return &extractors.Table{Dims: dims, Roles: map[string]string{"time": "time"}}, nil
}

func genesisCubeFacts(in extractors.Input, line int, d []string, table *extractors.Table, timeCol int, valCols, qualCols, lockCols []int, measures []string, emit extractors.Emit) error {
	need := max(valCols[len(valCols)-1], qualCols[len(qualCols)-1], timeCol)
	if len(d) <= need {
		return in.Errorf(fmt.Sprintf("line %d", line), "a fact line with %d fields, want at least %d", len(d)+1, need+2)
	}
	codes := make([]string, 0, len(table.Dims))
	for _, c := range d[:timeCol+1] {
		codes = append(codes, strings.TrimSpace(c))
	}
	for i, m := range measures {
		cell := extractors.Cell{Table: table, Codes: append(codes[:len(codes):len(codes)], m)}
		cell.Status = strings.TrimSpace(d[qualCols[i]])
		if i < len(lockCols) && lockCols[i] < len(d) {
			cell.Status = joinStatus(cell.Status, strings.TrimSpace(d[lockCols[i]]))
		}
		if err := genesisValue(in, fmt.Sprintf("line %d, column %d", line, valCols[i]+2), d[valCols[i]], &cell); err != nil {
			return err
		}
		if err := emit(cell); err != nil {
			return err
		}
	}
	return nil
}

// genesisDims names classifying variables by pattern (the dim.ID
// parameters): the variable whose code matches a rule's pattern is called
// by the rule's id.
type genesisDims []genesisDimRule

type genesisDimRule struct {
	id string
	re *regexp.Regexp
}

func genesisDimParams(in extractors.Input) (genesisDims, error) {
	var out genesisDims
	for k, v := range in.Params {
		id, ok := strings.CutPrefix(k, "dim.")
		if !ok || v == "" {
			continue
		}
		re, err := regexp.Compile(v)
		if err != nil {
			return nil, fmt.Errorf("%s: parameter %s=%q: %v", in.Name, k, v, err)
		}
		out = append(out, genesisDimRule{id, re})
	}
	slices.SortFunc(out, func(a, b genesisDimRule) int { return strings.Compare(a.id, b.id) })
	return out, nil
}

// of is the dimension id of a classifying variable: the id of the first
// rule whose pattern matches its code, else the code itself. Two variables
// matching one rule give one id twice, which checkUniqueDims refuses.
func (g genesisDims) of(code string) string {
	for _, r := range g {
		if r.re.MatchString(code) {
			return r.id
		}
	}
	return code
}

// json64 is a JSON number that GENESIS sometimes sends as a string.
type json64 int64

func (n *json64) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("status code is not a whole number")
	}
	*n = json64(v)
	return nil
}

var (
	germanDate  = regexp.MustCompile(`^(\d{2})\.(\d{2})\.(\d{4})$`)
	germanMonth = regexp.MustCompile(`^(\d{2})/(\d{4})$`)
)

// genesisTime writes the older flat files' German dates ("01.01.2024",
// "04/1991") as ISO dates and months, as the current files do.
func genesisTime(s string) string {
	s = strings.TrimSpace(s)
	if m := germanDate.FindStringSubmatch(s); m != nil {
		return m[3] + "-" + m[2] + "-" + m[1]
	}
	if m := germanMonth.FindStringSubmatch(s); m != nil {
		return m[2] + "-" + m[1]
	}
	return s
}

// firstInvalidUTF8 is the offset of the first byte that is not UTF-8.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
