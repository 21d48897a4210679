package formats

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The "jsonstat" reader decodes JSON-stat: 2.0 datasets, 2.0 collections
// with embedded datasets, and 1.x bundles (named datasets at the top, with
// id/size/role inside "dimension"). The pxweb reader decodes through the
// same functions.
//
// Parameters:
//
//	dataset    pick one dataset of a bundle or collection by its name (the
//	           bundle key), label or href; default: every dataset
//	max_bytes  body size limit (default 256 MiB)
//	max_cells  limit on the product of a dataset's sizes (default 50 million)
//	text_values  "missing" reads any non-numeric string value as Missing with
//	           the string as status (test files such as order.json label
//	           their cells that way); default: such a string is an error
//
// Cells come out in the format's row-major order (the last dimension varies
// fastest), with category codes, not labels.
//
// Values: a number is the value; null, or a position absent from a sparse
// value object, is Missing with the position's status kept. A string is read
// as a number when it is one (some publishers quote numbers); a missing-value
// symbol ("..", ":", "-") is Missing with the symbol as Status unless the
// position already has a status. Any other string ("n/a", a typo) fails the
// input, naming its position: a value the publisher garbled must not replace
// a number loaded before with a missing one. text_values=missing relaxes that.
func init() { extractors.RegisterReader(jsonStatReader{}) }

type jsonStatReader struct{}

func (jsonStatReader) Format() string { return JSONStat }

func (jsonStatReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	root, err := loadJSON(in)
	if err != nil {
		return err
	}
	maxCells, err := int64Param(in, "max_cells", DefaultMaxCells)
	if err != nil {
		return err
	}
	sets, err := jsDatasets(in, root, maxCells)
	if err != nil {
		return err
	}
	if sets, err = jsSelect(in, sets); err != nil {
		return err
	}
	return jsEmitAll(ctx, in, sets, emit)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// loadJSON reads the body within its limits and checks that it is JSON,
// telling an HTML error page or bot challenge (often sent with status 200)
// apart from broken or truncated JSON.
func loadJSON(in extractors.Input) (rawJSON, error) {
	data, err := readLimited(in)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if enc := utf16Or32(data); enc != "" {
		return nil, in.Errorf("byte 0", "the body is %s, not UTF-8: JSON must be UTF-8 (RFC 8259)", enc)
	}
	i := skipJSONSpace(data, 0)
	if i == len(data) {
		return nil, in.Errorf("", "empty body, want JSON")
	}
	if data[i] == '<' {
		return nil, markupError(in, data[i:])
	}
	if !strings.ContainsRune(`{["-0123456789tfn`, rune(data[i])) {
		return nil, in.Errorf("byte 0", "not JSON: the body starts with %q", excerpt(data[i:], 60))
	}
	if !json.Valid(data) {
		return nil, jsonSyntaxError(in, data)
	}
	return rawJSON(bytes.TrimRight(data[i:], " \t\r\n")), nil
}

// utf16Or32 names a UTF-16 or UTF-32 body by its byte-order mark or by the
// zero bytes ASCII gets in those encodings (RFC 4627's detection).
func utf16Or32(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}), len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0:
		return "UTF-32BE"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}), len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return "UTF-32LE"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), len(b) >= 2 && b[0] == 0 && b[1] != 0:
		return "UTF-16BE"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), len(b) >= 2 && b[0] != 0 && b[1] == 0:
		return "UTF-16LE"
	}
	return ""
}

// markupError names what came instead of JSON: an HTML page (with its
// title, which usually says why) or some XML.
func markupError(in extractors.Input, b []byte) error {
	head := bytes.ToLower(b[:min(len(b), 8192)])
	if bytes.HasPrefix(head, []byte("<?xml")) && !bytes.Contains(head, []byte("<html")) {
		return in.Errorf("byte 0", "got XML, not JSON: %q", excerpt(b, 80))
	}
	msg := "got an HTML page, not JSON (an error page or a bot challenge?)"
	if t := htmlTitle(b); t != "" {
		msg += fmt.Sprintf(": title %q", t)
	}
	return in.Errorf("byte 0", "%s", msg)
}

func htmlTitle(b []byte) string {
	head := b[:min(len(b), 1<<16)]
	lower := bytes.ToLower(head)
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	start := i + j + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		return ""
	}
	return excerpt(head[start:start+end], 120)
}

// excerpt is the start of b with white space collapsed, for messages.
func excerpt(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b[:min(len(b), 4*n)])), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "..."
	}
	return s
}

func jsonSyntaxError(in extractors.Input, data []byte) error {
	err := json.Unmarshal(data, new(struct{}))
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		if syn.Offset >= int64(len(data)) || strings.Contains(syn.Error(), "unexpected end") {
			return in.Errorf(fmt.Sprintf("byte %d", len(data)), "truncated JSON: the body ends before the document does")
		}
		return in.Errorf(fmt.Sprintf("byte %d", syn.Offset), "invalid JSON: %s", syn.Error())
	}
	if err == nil {
		err = errors.New("rejected by json.Valid")
	}
	return in.Errorf("", "invalid JSON: %v", err)
}

// jsDim is one dimension: its categories in index order.
type jsDim struct {
	id     string
	label  string
	codes  []string          // category ids in index order
	labels map[string]string // code -> label, where given
}

// jsDataset is one dataset of a document, checked for shape; its value and
// status are still raw and get decoded while walking.
type jsDataset struct {
	path  string // JSON path of the dataset object, for messages
	name  string // bundle key, or collection item label/href; "" for a lone 2.0 dataset
	label string
	href  string
	table *extractors.Table
	dims  []jsDim
	sizes []int
	n     int // number of cells

	value       rawJSON
	valueSparse map[int]rawJSON // when value is an object keyed by position
	valueEmpty  bool            // value is [] or {}: metadata, not data

	statusAll    string         // one status for every cell
	statusDense  rawJSON        // array of one status per cell
	statusPath   string         // path of statusDense, for messages
	statusSparse map[int]string // object keyed by position
	object       *jsonObject    // the dataset object, for format-specific checks
}

// jsDatasets finds the datasets of a JSON-stat document.
func jsDatasets(in extractors.Input, root rawJSON, maxCells int64) ([]*jsDataset, error) {
	if root.kind() != '{' {
		return nil, in.Errorf("$", "JSON-stat wants an object at the top, got %s", root.kindName())
	}
	top, err := root.object()
	if err != nil {
		return nil, in.Errorf("$", "malformed object: %v", err)
	}
	switch class := top.str("class"); class {
	case "dataset":
		d, err := jsParseDataset(in, "$", "", top, maxCells)
		if err != nil {
			return nil, err
		}
		return []*jsDataset{d}, nil
	case "collection":
		sets, links, err := jsCollection(in, "$", top, maxCells, 0)
		if err != nil {
			return nil, err
		}
		if len(sets) == 0 {
			return nil, in.Errorf("$.link.item", "a collection of %d links without embedded data (first %q): make each linked dataset a source of its own", len(links), firstNonEmpty(append(links, "")...))
		}
		return sets, nil
	case "dimension":
		return nil, in.Errorf("$.class", "a JSON-stat dimension, not a dataset")
	case "":
		if top.has("dimension") {
			d, err := jsParseDataset(in, "$", "", top, maxCells)
			if err != nil {
				return nil, err
			}
			return []*jsDataset{d}, nil
		}
		// A 1.x bundle: every member that looks like a dataset is one.
		var sets []*jsDataset
		for _, key := range top.keys {
			v := top.m[key]
			if v.kind() != '{' {
				continue
			}
			o, err := v.object()
			if err != nil {
				return nil, in.Errorf(jsonPath("$", key), "malformed object: %v", err)
			}
			if !o.has("dimension") {
				continue
			}
			d, err := jsParseDataset(in, jsonPath("$", key), key, o, maxCells)
			if err != nil {
				return nil, err
			}
			sets = append(sets, d)
		}
		if len(sets) == 0 {
			return nil, in.Errorf("$", "not JSON-stat: no dataset, collection or bundle of datasets (top-level keys: %s)", keyList(top.keys, 12))
		}
		return sets, nil
	default:
		return nil, in.Errorf("$.class", "unknown JSON-stat class %q", class)
	}
}

func keyList(keys []string, n int) string {
	if len(keys) > n {
		return strings.Join(keys[:n], ", ") + ", ..."
	}
	return strings.Join(keys, ", ")
}

// jsCollection returns the datasets embedded in a collection (and in the
// collections it embeds), and the hrefs of the items that are links only.
func jsCollection(in extractors.Input, path string, o *jsonObject, maxCells int64, depth int) ([]*jsDataset, []string, error) {
	if depth > 4 {
		return nil, nil, in.Errorf(path, "collections nested deeper than 4 levels")
	}
	link, ok := o.get("link")
	if !ok || link.kind() != '{' {
		return nil, nil, in.Errorf(path+".link", "a collection without a link object")
	}
	lo, err := link.object()
	if err != nil {
		return nil, nil, in.Errorf(path+".link", "malformed object: %v", err)
	}
	items, ok := lo.get("item")
	if !ok || items.kind() != '[' {
		return nil, nil, in.Errorf(path+".link.item", "a collection without an item array")
	}
	it, err := newArrayIter(items)
	if err != nil {
		return nil, nil, in.Errorf(path+".link.item", "malformed array: %v", err)
	}
	var sets []*jsDataset
	var links []string
	for {
		item, more, err := it.next()
		if err != nil {
			return nil, nil, in.Errorf(path+".link.item", "malformed array: %v", err)
		}
		if !more {
			break
		}
		p := jsonIndex(path+".link.item", it.n-1)
		if item.kind() != '{' {
			return nil, nil, in.Errorf(p, "item is %s, want an object", item.kindName())
		}
		itemObj, err := item.object()
		if err != nil {
			return nil, nil, in.Errorf(p, "malformed object: %v", err)
		}
		switch class := itemObj.str("class"); {
		case class == "collection" && itemObj.has("link"):
			sub, subLinks, err := jsCollection(in, p, itemObj, maxCells, depth+1)
			if err != nil {
				return nil, nil, err
			}
			sets = append(sets, sub...)
			links = append(links, subLinks...)
		case (class == "dataset" || class == "") && itemObj.has("dimension"):
			name := firstNonEmpty(itemObj.str("label"), itemObj.str("href"), fmt.Sprintf("item %d", it.n-1))
			d, err := jsParseDataset(in, p, name, itemObj, maxCells)
			if err != nil {
				return nil, nil, err
			}
			sets = append(sets, d)
		default:
			links = append(links, itemObj.str("href")) // a link to fetch, no data here
		}
	}
	return sets, links, nil
}

// member returns the dataset's member, or for 1.x the one inside dimension.
func member(ds, dim *jsonObject, path, key string) (rawJSON, string, bool) {
	if v, ok := ds.get(key); ok {
		return v, path + "." + key, true
	}
	if v, ok := dim.get(key); ok {
		return v, path + ".dimension." + key, true
	}
	return nil, "", false
}

func jsParseDataset(in extractors.Input, path, name string, o *jsonObject, maxCells int64) (*jsDataset, error) {
	d := &jsDataset{path: path, name: name, label: o.str("label"), href: o.str("href"), object: o}
	dimRaw, ok := o.get("dimension")
	if !ok {
		return nil, in.Errorf(path, "no dimension object")
	}
	if dimRaw.kind() != '{' {
		return nil, in.Errorf(path+".dimension", "dimension is %s, want an object", dimRaw.kindName())
	}
	dimObj, err := dimRaw.object()
	if err != nil {
		return nil, in.Errorf(path+".dimension", "malformed object: %v", err)
	}

	idRaw, idPath, ok := member(o, dimObj, path, "id")
	if !ok {
		return nil, in.Errorf(path, "no dimension ids: neither id nor dimension.id")
	}
	ids, err := idRaw.strings()
	if err != nil {
		return nil, in.Errorf(idPath, "want an array of dimension ids: %v", err)
	}
	if len(ids) == 0 {
		return nil, in.Errorf(idPath, "no dimensions")
	}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			return nil, in.Errorf(jsonIndex(idPath, i), "dimension %q listed twice", id)
		}
		seen[id] = true
	}

	// Declared sizes are checked against max_cells before the categories
	// are read, so a forged size cannot make us allocate.
	var sizes []int
	sizeRaw, sizePath, hasSize := member(o, dimObj, path, "size")
	if hasSize {
		it, err := newArrayIter(sizeRaw)
		if err != nil {
			return nil, in.Errorf(sizePath, "size is %s, want an array", sizeRaw.kindName())
		}
		for {
			v, more, err := it.next()
			if err != nil {
				return nil, in.Errorf(sizePath, "malformed array: %v", err)
			}
			if !more {
				break
			}
			s, err := v.nonNegInt()
			if err != nil {
				return nil, in.Errorf(jsonIndex(sizePath, it.n-1), "size %v", err)
			}
			sizes = append(sizes, s)
		}
		if len(sizes) == len(ids) {
			if _, err := cellCount(sizes, maxCells); err != nil {
				return nil, in.Errorf(sizePath, "%v", err)
			}
		}
	}

	d.dims = make([]jsDim, len(ids))
	for i, id := range ids {
		p := jsonPath(path+".dimension", id)
		raw, ok := dimObj.get(id)
		if !ok {
			return nil, in.Errorf(p, "dimension %q is listed in id but not described", id)
		}
		if d.dims[i], err = jsParseDim(in, p, id, raw); err != nil {
			return nil, err
		}
	}

	// size repeats the category counts. ONS answers were seen with fewer
	// sizes than ids (QS104EW: 4 ids, 3 sizes): then size is unusable and
	// the categories, which every reader uses anyway, decide. A size that
	// lines up with the ids but disagrees with a count is a real conflict.
	d.sizes = make([]int, len(ids))
	for i := range d.dims {
		d.sizes[i] = len(d.dims[i].codes)
		if len(sizes) == len(ids) && sizes[i] != d.sizes[i] {
			return nil, in.Errorf(jsonIndex(sizePath, i), "size mismatch: size says %d but dimension %q has %d categories", sizes[i], ids[i], d.sizes[i])
		}
	}
	n, err := cellCount(d.sizes, maxCells)
	if err != nil {
		return nil, in.Errorf(path+".dimension", "%v", err)
	}
	d.n = n

	roles := map[string]string{}
	if roleRaw, rolePath, ok := member(o, dimObj, path, "role"); ok {
		if roles, err = jsParseRoles(in, rolePath, roleRaw, seen); err != nil {
			return nil, err
		}
	}
	d.table = &extractors.Table{Dataset: name, Dims: ids, Roles: roles}

	if err := d.prepareValue(in); err != nil {
		return nil, err
	}
	if err := d.prepareStatus(in); err != nil {
		return nil, err
	}
	return d, nil
}

// cellCount is the product of sizes, refused above max.
func cellCount(sizes []int, max int64) (int, error) {
	n := int64(1)
	for _, s := range sizes {
		if s == 0 {
			return 0, nil
		}
		if n > max/int64(s) {
			return 0, fmt.Errorf("sizes %v describe more than max_cells=%d cells", sizes, max)
		}
		n *= int64(s)
	}
	if n > max {
		return 0, fmt.Errorf("sizes %v describe %d cells, more than max_cells=%d", sizes, n, max)
	}
	return int(n), nil
}

func jsParseDim(in extractors.Input, path, id string, raw rawJSON) (jsDim, error) {
	dim := jsDim{id: id, labels: map[string]string{}}
	if raw.kind() != '{' {
		return dim, in.Errorf(path, "dimension %q is %s, want an object", id, raw.kindName())
	}
	o, err := raw.object()
	if err != nil {
		return dim, in.Errorf(path, "malformed object: %v", err)
	}
	dim.label = o.str("label")
	catRaw, ok := o.get("category")
	if !ok || catRaw.kind() != '{' {
		return dim, in.Errorf(path+".category", "dimension %q has no category object", id)
	}
	cat, err := catRaw.object()
	if err != nil {
		return dim, in.Errorf(path+".category", "malformed object: %v", err)
	}

	var labelKeys []string
	if lab, ok := cat.get("label"); ok && lab.kind() != 'n' {
		if lab.kind() != '{' {
			return dim, in.Errorf(path+".category.label", "label is %s, want an object", lab.kindName())
		}
		err := lab.eachMember(func(code string, v rawJSON) error {
			s, isStr := v.str()
			if !isStr {
				return in.Errorf(jsonPath(path+".category.label", code), "label is %s, want a string", v.kindName())
			}
			if _, dup := dim.labels[code]; !dup {
				labelKeys = append(labelKeys, code)
			}
			dim.labels[code] = s
			return nil
		})
		if err != nil {
			return dim, asFormatError(in, path+".category.label", err)
		}
	}

	ipath := path + ".category.index"
	idx, hasIndex := cat.get("index")
	switch {
	case !hasIndex || idx.kind() == 'n':
		// Allowed for a single category, whose code is then the one key
		// of label.
		if len(labelKeys) != 1 {
			return dim, in.Errorf(path+".category", "no category.index and %d labels: the categories' order is unknown", len(labelKeys))
		}
		dim.codes = labelKeys
	case idx.kind() == '[':
		codes, err := idx.strings()
		if err != nil {
			return dim, in.Errorf(ipath, "%v", err)
		}
		dim.codes = codes
	case idx.kind() == '{':
		// Positions may come in any order; they must cover 0..n-1 once.
		idxObj, err := idx.object()
		if err != nil {
			return dim, in.Errorf(ipath, "malformed object: %v", err)
		}
		codes := make([]string, len(idxObj.keys))
		filled := make([]bool, len(idxObj.keys))
		for _, code := range idxObj.keys {
			p := jsonPath(ipath, code)
			pos, err := idxObj.m[code].nonNegInt()
			if err != nil {
				return dim, in.Errorf(p, "position %v", err)
			}
			if pos >= len(codes) {
				return dim, in.Errorf(p, "position %d outside the %d categories", pos, len(codes))
			}
			if filled[pos] {
				return dim, in.Errorf(p, "categories %q and %q share position %d", codes[pos], code, pos)
			}
			codes[pos], filled[pos] = code, true
		}
		dim.codes = codes
	default:
		return dim, in.Errorf(ipath, "index is %s, want an array or an object", idx.kindName())
	}
	if len(dim.codes) == 0 {
		return dim, in.Errorf(path+".category", "dimension %q has no categories", id)
	}
	seen := make(map[string]bool, len(dim.codes))
	for i, c := range dim.codes {
		if seen[c] {
			return dim, in.Errorf(jsonIndex(ipath, i), "category %q listed twice", c)
		}
		seen[c] = true
	}
	return dim, nil
}

// asFormatError keeps a FormatError raised inside a callback and wraps any
// other (scanner) error as one.
func asFormatError(in extractors.Input, path string, err error) error {
	var fe *extractors.FormatError
	if errors.As(err, &fe) {
		return err
	}
	return in.Errorf(path, "malformed JSON: %v", err)
}

func jsParseRoles(in extractors.Input, path string, raw rawJSON, dims map[string]bool) (map[string]string, error) {
	roles := map[string]string{}
	if raw.kind() == 'n' {
		return roles, nil
	}
	if raw.kind() != '{' {
		return nil, in.Errorf(path, "role is %s, want an object", raw.kindName())
	}
	err := raw.eachMember(func(role string, v rawJSON) error {
		p := jsonPath(path, role)
		var ids []string
		switch v.kind() {
		case 'n':
		case '"':
			s, _ := v.str()
			ids = []string{s}
		case '[':
			var err error
			if ids, err = v.strings(); err != nil {
				return in.Errorf(p, "%v", err)
			}
		default:
			return in.Errorf(p, "role is %s, want an array of dimension ids", v.kindName())
		}
		for _, id := range ids {
			if !dims[id] {
				return in.Errorf(p, "role %s names dimension %q, which is not in id", role, id)
			}
			if _, done := roles[id]; !done {
				roles[id] = role
			}
		}
		return nil
	})
	if err != nil {
		return nil, asFormatError(in, path, err)
	}
	return roles, nil
}

func (d *jsDataset) prepareValue(in extractors.Input) error {
	p := d.path + ".value"
	v, ok := d.object.get("value")
	if !ok {
		return in.Errorf(d.path, "no value")
	}
	d.value = v
	switch v.kind() {
	case '[':
		n, err := v.arrayLen()
		if err != nil {
			return in.Errorf(p, "malformed array: %v", err)
		}
		d.valueEmpty = n == 0
		return nil
	case '{':
		// Sparse form (Eurostat): keys are positions, absent ones are
		// missing.
		d.valueSparse = map[int]rawJSON{}
		err := v.eachMember(func(key string, x rawJSON) error {
			pos, ok := parseDigits(key)
			if !ok {
				return in.Errorf(jsonPath(p, key), "key is not a cell position")
			}
			if pos >= d.n {
				return in.Errorf(jsonPath(p, key), "position %d outside the %d cells", pos, d.n)
			}
			d.valueSparse[pos] = x
			return nil
		})
		if err != nil {
			return asFormatError(in, p, err)
		}
		d.valueEmpty = len(d.valueSparse) == 0
		return nil
	}
	return in.Errorf(p, "value is %s, want an array or an object", v.kindName())
}

func (d *jsDataset) prepareStatus(in extractors.Input) error {
	p := d.path + ".status"
	s, ok := d.object.get("status")
	if !ok {
		return nil
	}
	switch s.kind() {
	case 'n':
		return nil
	case '"':
		d.statusAll, _ = s.str()
		return nil
	case '[':
		return d.prepareStatusArray(in, p, s)
	case '{':
		o, err := s.object()
		if err != nil {
			return in.Errorf(p, "malformed object: %v", err)
		}
		// Eurostat's retired wdds API wrote status as a pseudo-dimension
		// {"value": [...], "category": {...}}: its value array is the
		// per-cell status.
		if arr, ok := o.get("value"); ok && arr.kind() == '[' {
			return d.prepareStatusArray(in, p+".value", arr)
		}
		d.statusSparse = map[int]string{}
		for _, key := range o.keys {
			kp := jsonPath(p, key)
			pos, ok := parseDigits(key)
			if !ok {
				return in.Errorf(kp, "status key is not a cell position")
			}
			if pos >= d.n {
				return in.Errorf(kp, "position %d outside the %d cells", pos, d.n)
			}
			v := o.m[key]
			switch v.kind() {
			case '"':
				d.statusSparse[pos], _ = v.str()
			case 'n':
			default:
				return in.Errorf(kp, "status is %s, want a string", v.kindName())
			}
		}
		return nil
	}
	return in.Errorf(p, "status is %s, want a string, an array or an object", s.kindName())
}

// prepareStatusArray accepts one status for all cells or one per cell.
func (d *jsDataset) prepareStatusArray(in extractors.Input, p string, s rawJSON) error {
	n, err := s.arrayLen()
	if err != nil {
		return in.Errorf(p, "malformed array: %v", err)
	}
	switch {
	case n == 0:
		return nil
	case n == 1 && d.n != 1:
		it, _ := newArrayIter(s)
		v, _, _ := it.next()
		switch v.kind() {
		case '"':
			d.statusAll, _ = v.str()
		case 'n':
		default:
			return in.Errorf(p+"[0]", "status is %s, want a string", v.kindName())
		}
		return nil
	case n == d.n:
		d.statusDense, d.statusPath = s, p
		return nil
	}
	return in.Errorf(p, "status has %d items, want 1 or %d (one per cell)", n, d.n)
}

// walk visits every cell in row-major order with its raw value (nil when a
// sparse value lacks the position) and status. idx holds the category
// position per dimension and is reused between calls.
func (d *jsDataset) walk(ctx context.Context, in extractors.Input, fn func(pos int, idx []int, v rawJSON, status string) error) error {
	idx := make([]int, len(d.dims))
	var vit, sit *arrayIter
	var err error
	if d.valueSparse == nil {
		if vit, err = newArrayIter(d.value); err != nil {
			return in.Errorf(d.path+".value", "malformed array: %v", err)
		}
	}
	if d.statusDense != nil {
		if sit, err = newArrayIter(d.statusDense); err != nil {
			return in.Errorf(d.statusPath, "malformed array: %v", err)
		}
	}
	for pos := 0; pos < d.n; pos++ {
		if pos&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: %w", in.Name, err)
			}
		}
		var v rawJSON
		if vit != nil {
			x, more, err := vit.next()
			if err != nil {
				return in.Errorf(jsonIndex(d.path+".value", pos), "malformed array: %v", err)
			}
			if !more {
				return d.lengthError(in, pos)
			}
			v = x
		} else {
			v = d.valueSparse[pos]
		}
		status := d.statusAll
		if sit != nil {
			x, more, err := sit.next()
			if err != nil || !more {
				return in.Errorf(jsonIndex(d.statusPath, pos), "malformed status array")
			}
			switch x.kind() {
			case '"':
				status, _ = x.str()
			case 'n':
			default:
				return in.Errorf(jsonIndex(d.statusPath, pos), "status is %s, want a string", x.kindName())
			}
		} else if d.statusSparse != nil {
			status = d.statusSparse[pos]
		}
		if err := fn(pos, idx, v, status); err != nil {
			return err
		}
		for k := len(idx) - 1; k >= 0; k-- {
			if idx[k]++; idx[k] < d.sizes[k] {
				break
			}
			idx[k] = 0
		}
	}
	if vit != nil {
		extra := 0
		for {
			_, more, err := vit.next()
			if err != nil {
				return in.Errorf(d.path+".value", "malformed array: %v", err)
			}
			if !more {
				break
			}
			extra++
		}
		if extra > 0 {
			return d.lengthError(in, d.n+extra)
		}
	}
	return nil
}

func (d *jsDataset) lengthError(in extractors.Input, got int) error {
	if got == 0 {
		return in.Errorf(d.path+".value", "value is empty but the dimensions describe %d cells (metadata only?)", d.n)
	}
	return in.Errorf(d.path+".value", "value has %d items, want %d (the product of the sizes %v)", got, d.n, d.sizes)
}

// cell decodes one raw value under the policy in the package comment.
func (d *jsDataset) cell(in extractors.Input, pos int, v rawJSON, status string) (value float64, missing bool, st string, err error) {
	switch v.kind() {
	case 0, 'n':
		return 0, true, status, nil
	case '0':
		f, err := v.float()
		if err != nil {
			return 0, false, "", in.Errorf(d.valuePath(pos), "%v", err)
		}
		return f, false, status, nil
	case '"':
		s, _ := v.str()
		if f, ok := jsNumericString(s); ok {
			return f, false, status, nil
		}
		sym, ok := missingSymbol(s)
		if !ok && in.Param("text_values", "") != "missing" {
			return 0, false, "", in.Errorf(d.valuePath(pos), "value %s is neither a number nor a missing-value symbol", strconv.Quote(s))
		}
		if status == "" {
			status = sym
		}
		return 0, true, status, nil
	}
	return 0, false, "", in.Errorf(d.valuePath(pos), "value is %s, want a number, null or a string", v.kindName())
}

func (d *jsDataset) valuePath(pos int) string {
	if d.valueSparse != nil {
		return jsonPath(d.path+".value", strconv.Itoa(pos))
	}
	return jsonIndex(d.path+".value", pos)
}

// emit sends every cell of the dataset.
func (d *jsDataset) emit(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	return d.walk(ctx, in, func(pos int, idx []int, v rawJSON, status string) error {
		value, missing, st, err := d.cell(in, pos, v, status)
		if err != nil {
			return err
		}
		codes := make([]string, len(idx)) // fresh: a consumer may keep the cell
		for k, j := range idx {
			codes[k] = d.dims[k].codes[j]
		}
		return emit(extractors.Cell{Table: d.table, Codes: codes, Value: value, Missing: missing, Status: st})
	})
}

// check decodes every cell without emitting, so that a broken dataset
// fails before any of its (or a later dataset's) cells reach the consumer.
func (d *jsDataset) check(ctx context.Context, in extractors.Input) error {
	return d.walk(ctx, in, func(pos int, _ []int, v rawJSON, status string) error {
		_, _, _, err := d.cell(in, pos, v, status)
		return err
	})
}

// jsEmitAll checks every dataset, then emits them in document order.
func jsEmitAll(ctx context.Context, in extractors.Input, sets []*jsDataset, emit extractors.Emit) error {
	for _, d := range sets {
		if err := d.check(ctx, in); err != nil {
			return err
		}
	}
	for _, d := range sets {
		if err := d.emit(ctx, in, emit); err != nil {
			return err
		}
	}
	return nil
}

// jsSelect applies the dataset parameter.
func jsSelect(in extractors.Input, sets []*jsDataset) ([]*jsDataset, error) {
	want := in.Param("dataset", "")
	if want == "" {
		return sets, nil
	}
	var names []string
	for _, d := range sets {
		if want == d.name || want == d.label || want == d.href {
			return []*jsDataset{d}, nil
		}
		names = append(names, fmt.Sprintf("%q", firstNonEmpty(d.name, d.label, d.href)))
	}
	return nil, in.Errorf("", "no dataset %q here (have %s)", want, strings.Join(names, ", "))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// missingSymbol reads a statistical office's missing-value symbol: dots,
// dashes and colons ("..", "...", "-", ":"), trimmed, or nothing at all.
func missingSymbol(s string) (string, bool) {
	sym := strings.TrimSpace(s)
	return sym, strings.Trim(sym, ".-:") == ""
}

// jsNumericString reads a quoted number such as "12.5" or "-3"; it refuses
// what strconv would also take but no publisher means as a number ("NaN",
// "Inf", "0x1p3", "1_000").
func jsNumericString(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E':
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
