package formats

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"

	"github.com/emigre/emigre/extractors"
)

// The "px" reader reads PC-Axis files (.px), as INE Spain, the Swiss FSO,
// Statistics Sweden and every PxWeb server publish them: a header of
// KEYWORD[lang]("variable")=value; statements, then DATA= and one value per
// cell, stub variables first, the last heading variable varying fastest.
//
// Cells carry the variables' codes (CODES, or VALUES where a variable has
// no codes) under the variable's code (VARIABLECODE) or else its name.
// Quirks it survives:
//
//   - a declared code page that is wrong: the header is read as UTF-8
//     whenever its bytes are valid UTF-8 (PxWebApi writes UTF-8 under
//     CODEPAGE="iso-8859-1"; INE's 1001.px under iso-8859-15), else in the
//     declared CODEPAGE, else windows-1252 (what CHARSET="ANSI" means);
//     the charset parameter overrides all of it;
//   - values split across quoted lines ("abc"<newline>"def" is "abcdef";
//     lists continue after a comma);
//   - KEY[lang] keys: the lang parameter picks a language of LANGUAGES,
//     falling back to the default language's keys by position;
//   - ";" at the end of every data row (INE): in DATA, ";" and "," separate
//     values like white space, and the data ends with the file;
//   - missing values: the symbols PC-Axis defines (".", "..", up to six
//     dots; "-" for nil), and any DATASYMBOL* the header declares, quoted
//     or not, are Missing with the symbol as status, never 0.
//
// Sparse files (KEYS) are refused with a message rather than misread.
//
// Parameters:
//
//	lang              language of the codes and dimension names (default:
//	                  the file's LANGUAGE)
//	charset           the header's encoding, overriding what the file says
//	max_bytes         body size (default 256 MiB)
//	max_header_bytes  the header before DATA (default 64 MiB)
//	max_cells         cells the variables may describe (default 50 million)
//	max_cell_bytes    one data token (default 1 MiB)
func init() { extractors.RegisterReader(pcaxisReader{}) }

const pcaxisMaxHeader = 64 << 20

type pcaxisReader struct{}

func (pcaxisReader) Format() string { return PCAxis }

func (pcaxisReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	maxCells, err := int64Param(in, "max_cells", DefaultMaxCells)
	if err != nil {
		return err
	}
	maxCell, err := maxCellBytes(in)
	if err != nil {
		return err
	}
	body, err := contentReader(in, DefaultMaxBytes, DefaultMaxUnzippedBytes)
	if err != nil {
		return err
	}
	h, err := readPcaxisHeader(in, body)
	if err != nil {
		return err
	}
	vars, err := h.variables(in.Param("lang", ""))
	if err != nil {
		return err
	}
	table, n, err := pcaxisTable(in, vars, maxCells)
	if err != nil {
		return err
	}
	symbols := h.symbols()
	idx := make([]int, len(vars))
	data := &pcaxisData{in: in, br: body, line: h.dataLine, tokLine: h.dataLine, max: maxCell, dec: h.dec}
	for k := 0; ; k++ {
		tok, err := data.next()
		if err == io.EOF {
			if k < n {
				return in.Errorf(fmt.Sprintf("line %d", data.tokLine), "DATA ends after %d values, the variables describe %d (%s)", k, n, pcaxisSizes(vars))
			}
			return nil
		}
		if err != nil {
			return err
		}
		pos := func() string { return fmt.Sprintf("line %d, DATA value %d", data.tokLine, k+1) }
		if k >= n {
			return in.Errorf(pos(), "more DATA values than the %d the variables describe (%s)", n, pcaxisSizes(vars))
		}
		if k&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: %w", in.Name, err)
			}
		}
		c := extractors.Cell{Table: table, Codes: make([]string, len(vars))}
		for i, v := range vars {
			c.Codes[i] = v.codes[idx[i]]
		}
		switch v, ok := numericString(tok); {
		case ok:
			c.Value = v
		case symbols[tok] || tok != "" && pcaxisSymbol(tok):
			c.Missing, c.Status = true, tok
		default:
			return in.Errorf(pos(), "value %q is neither a number nor a symbol the file declares (DATASYMBOL1-6, NIL, SUM)", excerpt([]byte(tok), 40))
		}
		if err := emit(c); err != nil {
			return err
		}
		for i := len(idx) - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < len(vars[i].codes) {
				break
			}
			idx[i] = 0
		}
	}
}

// pcaxisSymbol reports whether s is a missing-value symbol whatever the
// header declares: PC-Axis defines one to six dots and "-" (nil); the
// readers share one notion of such symbols (missingSymbol).
func pcaxisSymbol(s string) bool {
	_, ok := missingSymbol(s)
	return ok
}

// pcaxisEntry is one header statement: KEY[lang]("sub", ...)=items;
type pcaxisEntry struct {
	key   string   // upper case
	lang  string   // "" for the default language
	sub   []string // the parenthesised arguments
	items []string // the value's items, adjacent strings joined
	line  int
}

// pcaxisHeader is everything before DATA.
type pcaxisHeader struct {
	in       extractors.Input
	entries  []pcaxisEntry
	charset  string            // what the header was read as
	dec      *encoding.Decoder // for quoted data tokens; nil for UTF-8
	dataLine int               // the line DATA= is on
}

// readPcaxisHeader reads the statements up to DATA=, decides their
// encoding from all of them, then parses them.
func readPcaxisHeader(in extractors.Input, br *bufio.Reader) (*pcaxisHeader, error) {
	maxHeader, err := int64Param(in, "max_header_bytes", pcaxisMaxHeader)
	if err != nil {
		return nil, err
	}
	type raw struct {
		text []byte
		line int
	}
	var (
		stmts []raw
		total int64
		line  = 1
	)
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, utf8BOM)
	if looksLikeHTML(head) || bytes.HasPrefix(bytes.TrimSpace(head), []byte("<")) {
		return nil, notWantedHTML(in, br, "a PC-Axis file")
	}
	if _, err := br.Peek(1); err == io.EOF {
		return nil, in.Errorf("", "empty body")
	}
	for {
		start := line
		var stmt []byte
		quoted := false
		for {
			c, err := br.ReadByte()
			if err == io.EOF {
				if len(bytes.TrimSpace(stmt)) == 0 {
					return nil, in.Errorf(fmt.Sprintf("line %d", line), "the file ends before DATA=: not a PC-Axis file, or a truncated one")
				}
				if quoted {
					return nil, in.Errorf(fmt.Sprintf("line %d", start), "a string that never closes: %q", excerpt(stmt, 60))
				}
				return nil, in.Errorf(fmt.Sprintf("line %d", start), "the file ends inside a statement (no ';' and no DATA=): %q", excerpt(stmt, 60))
			}
			if err != nil {
				return nil, pcaxisReadError(in, line, err)
			}
			if c == '\n' {
				line++
			}
			if total++; total > maxHeader {
				return nil, in.Errorf(fmt.Sprintf("line %d", line), "a header larger than max_header_bytes=%d before DATA=", maxHeader)
			}
			if c == '"' {
				quoted = !quoted
			}
			if !quoted && c == '=' && pcaxisKeyword(stmt) == "DATA" {
				h := &pcaxisHeader{in: in, dataLine: start + pcaxisLeadingLines(stmt)}
				texts := make([][]byte, len(stmts))
				for i, s := range stmts {
					texts[i] = s.text
				}
				dec, err := h.decide(texts)
				if err != nil {
					return nil, err
				}
				for _, s := range stmts {
					text := s.text
					if dec != nil {
						if text, err = dec.Bytes(s.text); err != nil {
							return nil, in.Errorf(fmt.Sprintf("line %d", s.line), "not %s: %v", h.charset, err)
						}
					}
					e, err := parsePcaxisStatement(string(text))
					if err != nil {
						return nil, in.Errorf(fmt.Sprintf("line %d", s.line), "%v in %q", err, excerpt(text, 60))
					}
					e.line = s.line
					h.entries = append(h.entries, e)
				}
				if dec != nil {
					h.dec = dec
				}
				return h, nil
			}
			if !quoted && c == ';' {
				break
			}
			stmt = append(stmt, c)
		}
		if i := pcaxisFirstNonBlank(stmt); i >= 0 {
			stmts = append(stmts, raw{text: stmt[i:], line: start + pcaxisLeadingLines(stmt)})
		}
	}
}

// pcaxisFirstNonBlank is where a statement's text starts, -1 if blank.
func pcaxisFirstNonBlank(stmt []byte) int {
	return bytes.IndexFunc(stmt, func(r rune) bool { return r != ' ' && r != '\t' && r != '\r' && r != '\n' && r != '\ufeff' })
}

// pcaxisLeadingLines counts the line ends before a statement's text: the
// statement starts that many lines after the previous one ended.
func pcaxisLeadingLines(stmt []byte) int {
	i := pcaxisFirstNonBlank(stmt)
	if i < 0 {
		i = len(stmt)
	}
	return bytes.Count(stmt[:i], []byte{'\n'})
}

func pcaxisReadError(in extractors.Input, line int, err error) error {
	var fe *extractors.FormatError
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("%s: line %d: reading: %w", in.Name, line, err)
}

// pcaxisKeyword returns the keyword a statement so far starts with.
func pcaxisKeyword(stmt []byte) string {
	s := strings.TrimLeft(string(stmt), " \t\r\n\ufeff")
	if i := strings.IndexAny(s, "[(="); i >= 0 {
		s = s[:i]
	}
	return strings.ToUpper(strings.TrimSpace(s))
}

// decide picks the header's encoding (see the reader's comment) and
// returns its decoder, nil for UTF-8.
func (h *pcaxisHeader) decide(stmts [][]byte) (*encoding.Decoder, error) {
	in := h.in
	if cs := in.Param("charset", ""); cs != "" {
		enc, err := declaredCharset(in)
		if err != nil {
			return nil, err
		}
		h.charset = cs
		if enc == nil {
			return nil, h.mustBeUTF8(stmts, "the charset parameter says utf-8")
		}
		return enc.NewDecoder(), nil
	}
	allUTF8 := true
	declared, ansi := "", false
	for _, s := range stmts {
		if !utf8.Valid(s) {
			allUTF8 = false
		}
		switch pcaxisKeyword(s) {
		case "CODEPAGE":
			if e, err := parsePcaxisStatement(string(s)); err == nil && len(e.items) == 1 {
				declared = strings.TrimSpace(e.items[0])
			}
		case "CHARSET":
			ansi = bytes.Contains(bytes.ToUpper(s), []byte(`"ANSI"`))
		}
	}
	if allUTF8 {
		h.charset = "utf-8"
		return nil, nil
	}
	if declared == "" {
		declared = "iso-8859-1"
		if ansi {
			declared = "windows-1252"
		}
	}
	enc, err := declaredCharset(extractors.Input{Name: in.Name, Params: map[string]string{"charset": declared}})
	if err != nil {
		return nil, in.Errorf("CODEPAGE", "the file declares CODEPAGE=%q, which names no encoding known here; set the charset parameter", declared)
	}
	h.charset = declared
	if enc == nil {
		return nil, h.mustBeUTF8(stmts, "CODEPAGE says utf-8")
	}
	return enc.NewDecoder(), nil
}

func (h *pcaxisHeader) mustBeUTF8(stmts [][]byte, why string) error {
	for _, s := range stmts {
		if !utf8.Valid(s) {
			return h.in.Errorf(pcaxisKeyword(s), "%s, but the header is not valid UTF-8 (%q)", why, excerpt(s, 40))
		}
	}
	return nil
}

// parsePcaxisStatement parses KEY[lang]("a","b")=items (without the ';').
func parsePcaxisStatement(s string) (pcaxisEntry, error) {
	var e pcaxisEntry
	eq := pcaxisIndexUnquoted(s, '=')
	if eq < 0 {
		return e, errors.New("a statement without '='")
	}
	key, value := strings.TrimSpace(s[:eq]), s[eq+1:]
	if i := strings.IndexByte(key, '('); i >= 0 {
		if !strings.HasSuffix(key, ")") {
			return e, errors.New("a keyword argument without ')'")
		}
		sub, err := pcaxisItems(key[i+1 : len(key)-1])
		if err != nil {
			return e, err
		}
		e.sub, key = sub, strings.TrimSpace(key[:i])
	}
	if i := strings.IndexByte(key, '['); i >= 0 {
		if !strings.HasSuffix(key, "]") {
			return e, errors.New("a language suffix without ']'")
		}
		e.lang, key = strings.TrimSpace(key[i+1:len(key)-1]), strings.TrimSpace(key[:i])
	}
	if key == "" || strings.ContainsAny(key, "\" \t\r\n") {
		return e, fmt.Errorf("keyword %q", key)
	}
	e.key = strings.ToUpper(key)
	items, err := pcaxisItems(value)
	if err != nil {
		return e, err
	}
	e.items = items
	return e, nil
}

func pcaxisIndexUnquoted(s string, c byte) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case c:
			if !quoted {
				return i
			}
		}
	}
	return -1
}

// pcaxisItems splits a value at the commas outside quotes and parentheses:
// `"a","b"` is [a b]; `"ab"<newline>"cd"` is [abcd]; `TLIST(A1),"1990"` is
// [TLIST(A1) 1990]; `YES` is [YES].
func pcaxisItems(v string) ([]string, error) {
	var (
		items []string
		cur   strings.Builder
		depth int
		has   bool
	)
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			j := strings.IndexByte(v[i+1:], '"')
			if j < 0 {
				return nil, errors.New("a string that never closes")
			}
			cur.WriteString(v[i+1 : i+1+j])
			i += j + 1
			has = true
		case c == '(':
			depth++
			cur.WriteByte(c)
		case c == ')':
			depth--
			cur.WriteByte(c)
		case c == ',' && depth == 0:
			if !has {
				return nil, errors.New("an empty item in a list")
			}
			items = append(items, cur.String())
			cur.Reset()
			has = false
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if depth > 0 {
				cur.WriteByte(c)
			}
		default:
			cur.WriteByte(c)
			has = true
		}
	}
	if depth != 0 {
		return nil, errors.New("unbalanced parentheses")
	}
	if has {
		items = append(items, cur.String())
	} else if len(items) > 0 {
		return nil, errors.New("a list ending with ','")
	}
	return items, nil
}

// find returns the entry for key in lang with the given arguments.
func (h *pcaxisHeader) find(key, lang string, sub ...string) (pcaxisEntry, bool) {
	for _, e := range h.entries {
		if e.key == key && e.lang == lang && slices.Equal(e.sub, sub) {
			return e, true
		}
	}
	return pcaxisEntry{}, false
}

// value returns the single value of a keyword in the default language.
func (h *pcaxisHeader) value(key string) string {
	if e, ok := h.find(key, ""); ok && len(e.items) == 1 {
		return e.items[0]
	}
	return ""
}

// pcaxisVar is one variable (dimension) in the chosen language.
type pcaxisVar struct {
	name   string   // as the file names it in the chosen language
	id     string   // VARIABLECODE, else the name trimmed
	labels []string // VALUES
	codes  []string // CODES, else the labels
	role   string
}

// variables returns the stub then the heading variables in lang ("" for
// the file's own language), with their values and codes.
func (h *pcaxisHeader) variables(lang string) ([]pcaxisVar, error) {
	in := h.in
	if slices.ContainsFunc(h.entries, func(e pcaxisEntry) bool { return e.key == "KEYS" }) {
		return nil, in.Errorf("KEYS", "a sparse PC-Axis file (KEYS): not supported; ask the publisher for the full table")
	}
	lang, err := h.language(lang)
	if err != nil {
		return nil, err
	}
	stub, stubBase, err := h.variableNames("STUB", lang)
	if err != nil {
		return nil, err
	}
	heading, headingBase, err := h.variableNames("HEADING", lang)
	if err != nil {
		return nil, err
	}
	if len(stub)+len(heading) == 0 {
		return nil, in.Errorf("STUB", "neither STUB nor HEADING: no variables")
	}
	names, baseNames := slices.Concat(stub, heading), slices.Concat(stubBase, headingBase)
	var vars []pcaxisVar
	seen := map[string]bool{}
	for i, name := range names {
		v, err := h.variable(name, baseNames[i], lang)
		if err != nil {
			return nil, err
		}
		if seen[v.id] {
			return nil, in.Errorf(fmt.Sprintf("VALUES(%q)", name), "two variables named %q", v.id)
		}
		seen[v.id] = true
		dup := map[string]bool{}
		for _, c := range v.codes {
			if dup[c] {
				return nil, in.Errorf(fmt.Sprintf("CODES(%q)", name), "code %q twice in variable %q", c, name)
			}
			dup[c] = true
		}
		vars = append(vars, v)
	}
	return vars, nil
}

// language checks the lang parameter against the file's LANGUAGES and
// returns "" for the file's own language.
func (h *pcaxisHeader) language(lang string) (string, error) {
	def := h.value("LANGUAGE")
	var langs []string
	if e, ok := h.find("LANGUAGES", ""); ok {
		langs = e.items
	}
	if lang == def {
		lang = ""
	}
	if lang != "" && !slices.Contains(langs, lang) {
		return "", fmt.Errorf("%s: parameter lang=%q: the file has languages %q (default %q)", h.in.Name, lang, langs, def)
	}
	return lang, nil
}

// variableNames returns the variables that key (STUB or HEADING) names in
// lang, and the same variables' names in the file's own language (which
// the other keywords of a variable are keyed by).
func (h *pcaxisHeader) variableNames(key, lang string) (names, base []string, err error) {
	b, ok := h.find(key, "")
	if lang == "" {
		return b.items, b.items, nil
	}
	tr, trok := h.find(key, lang)
	if !trok {
		return b.items, b.items, nil // not translated: the default names
	}
	if !ok {
		return tr.items, tr.items, nil // only translated
	}
	if len(b.items) != len(tr.items) {
		return nil, nil, h.in.Errorf(fmt.Sprintf("line %d", tr.line), "%s[%s] names %d variables, %s names %d", key, lang, len(tr.items), key, len(b.items))
	}
	return tr.items, b.items, nil
}

// variable reads one variable: its values and codes, its id and its role.
func (h *pcaxisHeader) variable(name, baseName, lang string) (pcaxisVar, error) {
	in := h.in
	// A keyword for the variable in lang, else the default language's.
	get := func(key string) (pcaxisEntry, bool) {
		if lang != "" {
			if e, ok := h.find(key, lang, name); ok {
				return e, true
			}
		}
		return h.find(key, "", baseName)
	}
	v := pcaxisVar{name: name, id: strings.TrimSpace(name)}
	values, ok := get("VALUES")
	if !ok || len(values.items) == 0 {
		return v, in.Errorf(fmt.Sprintf("VALUES(%q)", name), "variable %q has no VALUES", name)
	}
	v.labels, v.codes = values.items, values.items
	if codes, ok := get("CODES"); ok {
		if len(codes.items) != len(values.items) {
			return v, in.Errorf(fmt.Sprintf("line %d", codes.line), "CODES(%q) has %d codes for %d VALUES", name, len(codes.items), len(values.items))
		}
		v.codes = codes.items
	}
	for _, k := range []string{"VARIABLECODE", "VARIABLE-CODE"} {
		if e, ok := get(k); ok && len(e.items) == 1 && strings.TrimSpace(e.items[0]) != "" {
			v.id = strings.TrimSpace(e.items[0])
		}
	}
	if t, ok := get("VARIABLE-TYPE"); ok && len(t.items) == 1 {
		switch t.items[0] {
		case "T":
			v.role = "time"
		case "G":
			v.role = "geo"
		}
	}
	if _, ok := get("TIMEVAL"); ok {
		v.role = "time"
	}
	if contents := h.value("CONTVARIABLE"); baseName == contents && contents != "" {
		v.role = "metric"
	}
	return v, nil
}

func pcaxisTable(in extractors.Input, vars []pcaxisVar, maxCells int64) (*extractors.Table, int, error) {
	t := &extractors.Table{Roles: map[string]string{}}
	sizes := make([]int, len(vars))
	for i, v := range vars {
		t.Dims = append(t.Dims, v.id)
		if v.role != "" {
			t.Roles[v.id] = v.role
		}
		sizes[i] = len(v.codes)
	}
	n, err := cellCount(sizes, maxCells)
	if err != nil {
		return nil, 0, in.Errorf("STUB/HEADING", "%v", err)
	}
	return t, n, nil
}

func pcaxisSizes(vars []pcaxisVar) string {
	s := make([]string, len(vars))
	for i, v := range vars {
		s[i] = fmt.Sprintf("%s %d", v.id, len(v.codes))
	}
	return strings.Join(s, " x ")
}

// symbols are the missing-value symbols the header declares, in any
// language.
func (h *pcaxisHeader) symbols() map[string]bool {
	m := map[string]bool{}
	for _, e := range h.entries {
		if strings.HasPrefix(e.key, "DATASYMBOL") && len(e.items) == 1 && e.items[0] != "" {
			m[e.items[0]] = true
		}
	}
	return m
}

// pcaxisData reads the values after DATA= one token at a time.
type pcaxisData struct {
	in   extractors.Input
	br   *bufio.Reader
	line int
	max  int
	dec  *encoding.Decoder
	tok  []byte
	// tokLine is the line of the last value read (DATA='s line before
	// the first).
	tokLine int
}

// next returns the next value, io.EOF at the end of the file.
func (d *pcaxisData) next() (string, error) {
	for {
		c, err := d.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				return "", io.EOF
			}
			return "", pcaxisReadError(d.in, d.line, err)
		}
		switch c {
		case '\n':
			d.line++
			continue
		case ' ', '\t', '\r', ';', ',':
			continue
		}
		d.tokLine = d.line
		switch c {
		case '"':
			d.tok = d.tok[:0]
			for {
				c, err := d.br.ReadByte()
				if err != nil {
					if err == io.EOF {
						return "", d.in.Errorf(fmt.Sprintf("line %d", d.line), "a quoted DATA value that never closes")
					}
					return "", pcaxisReadError(d.in, d.line, err)
				}
				if c == '"' {
					break
				}
				if c == '\n' {
					d.line++
				}
				if d.tok = append(d.tok, c); len(d.tok) > d.max {
					return "", d.in.Errorf(fmt.Sprintf("line %d", d.line), "a DATA value longer than max_cell_bytes=%d", d.max)
				}
			}
			tok := d.tok
			if d.dec != nil && !isASCII(tok) {
				if dec, err := d.dec.Bytes(tok); err == nil {
					tok = dec
				}
			}
			return string(tok), nil
		}
		d.tok = append(d.tok[:0], c)
		for {
			c, err := d.br.ReadByte()
			if err == io.EOF {
				break
			}
			if err != nil {
				return "", pcaxisReadError(d.in, d.line, err)
			}
			if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == ',' || c == '"' {
				_ = d.br.UnreadByte()
				break
			}
			if d.tok = append(d.tok, c); len(d.tok) > d.max {
				return "", d.in.Errorf(fmt.Sprintf("line %d", d.line), "a DATA value longer than max_cell_bytes=%d", d.max)
			}
		}
		return string(d.tok), nil
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
