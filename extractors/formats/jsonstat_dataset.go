package formats

import "github.com/emigre/emigre/extractors"

// Parsing a dataset object: its dimensions, categories, sizes and roles.

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

// jsParseDataset checks the shape of one dataset object: its dimensions
// and their categories, their sizes against max_cells, the roles, and the
// form of value and status (decoded later, while walking).
func jsParseDataset(in extractors.Input, path, name string, o *jsonObject, maxCells int64) (*jsDataset, error) {
	d := &jsDataset{path: path, name: name, label: o.str("label"), href: o.str("href"), object: o}
	dimObj, err := jsDimensionObject(in, path, o)
	if err != nil {
		return nil, err
	}
	ids, idSet, err := jsDimensionIDs(in, path, o, dimObj)
	if err != nil {
		return nil, err
	}
	declared, sizePath, err := jsDeclaredSizes(in, path, o, dimObj, len(ids), maxCells)
	if err != nil {
		return nil, err
	}
	if err := d.parseDims(in, dimObj, ids); err != nil {
		return nil, err
	}
	if err := d.countCells(in, declared, sizePath, maxCells); err != nil {
		return nil, err
	}
	roles := map[string]string{}
	if roleRaw, rolePath, ok := member(o, dimObj, path, "role"); ok {
		if roles, err = jsParseRoles(in, rolePath, roleRaw, idSet); err != nil {
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

// jsDimensionObject is the dataset's dimension object.
func jsDimensionObject(in extractors.Input, path string, o *jsonObject) (*jsonObject, error) {
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
	return dimObj, nil
}

// jsDimensionIDs are the dataset's dimension ids in order (id, or 1.x's
// dimension.id), each listed once, and the same as a set.
func jsDimensionIDs(in extractors.Input, path string, o, dimObj *jsonObject) ([]string, map[string]bool, error) {
	idRaw, idPath, ok := member(o, dimObj, path, "id")
	if !ok {
		return nil, nil, in.Errorf(path, "no dimension ids: neither id nor dimension.id")
	}
	ids, err := idRaw.strings()
	if err != nil {
		return nil, nil, in.Errorf(idPath, "want an array of dimension ids: %v", err)
	}
	if len(ids) == 0 {
		return nil, nil, in.Errorf(idPath, "no dimensions")
	}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			return nil, nil, in.Errorf(jsonIndex(idPath, i), "dimension %q listed twice", id)
		}
		seen[id] = true
	}
	return ids, seen, nil
}

// jsDeclaredSizes reads the size array, if any, and where it is. Declared
// sizes are checked against max_cells before the categories are read, so a
// forged size cannot make us allocate.
func jsDeclaredSizes(in extractors.Input, path string, o, dimObj *jsonObject, dims int, maxCells int64) ([]int, string, error) {
	sizeRaw, sizePath, hasSize := member(o, dimObj, path, "size")
	if !hasSize {
		return nil, sizePath, nil
	}
	it, err := newArrayIter(sizeRaw)
	if err != nil {
		return nil, "", in.Errorf(sizePath, "size is %s, want an array", sizeRaw.kindName())
	}
	var sizes []int
	for {
		v, more, err := it.next()
		if err != nil {
			return nil, "", in.Errorf(sizePath, "malformed array: %v", err)
		}
		if !more {
			break
		}
		s, err := v.nonNegInt()
		if err != nil {
			return nil, "", in.Errorf(jsonIndex(sizePath, it.n-1), "size %v", err)
		}
		sizes = append(sizes, s)
	}
	if len(sizes) == dims {
		if _, err := cellCount(sizes, maxCells); err != nil {
			return nil, "", in.Errorf(sizePath, "%v", err)
		}
	}
	return sizes, sizePath, nil
}

// parseDims reads the categories of every dimension in ids.
func (d *jsDataset) parseDims(in extractors.Input, dimObj *jsonObject, ids []string) error {
	d.dims = make([]jsDim, len(ids))
	for i, id := range ids {
		p := jsonPath(d.path+".dimension", id)
		raw, ok := dimObj.get(id)
		if !ok {
			return in.Errorf(p, "dimension %q is listed in id but not described", id)
		}
		var err error
		if d.dims[i], err = jsParseDim(in, p, id, raw); err != nil {
			return err
		}
	}
	return nil
}

// countCells sets the sizes from the category counts and the number of
// cells, refused above max_cells. size repeats the category counts. ONS
// answers were seen with fewer sizes than ids (QS104EW: 4 ids, 3 sizes):
// then size is unusable and the categories, which every reader uses
// anyway, decide. A size that lines up with the ids but disagrees with a
// count is a real conflict.
func (d *jsDataset) countCells(in extractors.Input, declared []int, sizePath string, maxCells int64) error {
	d.sizes = make([]int, len(d.dims))
	for i := range d.dims {
		d.sizes[i] = len(d.dims[i].codes)
		if len(declared) == len(d.dims) && declared[i] != d.sizes[i] {
			return in.Errorf(jsonIndex(sizePath, i), "size mismatch: size says %d but dimension %q has %d categories", declared[i], d.dims[i].id, d.sizes[i])
		}
	}
	n, err := cellCount(d.sizes, maxCells)
	if err != nil {
		return in.Errorf(d.path+".dimension", "%v", err)
	}
	d.n = n
	return nil
}

// jsParseDim reads one dimension: its label and its categories in index
// order, each listed once.
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

// jsParseRoles maps each dimension id to its role (time, geo, metric), the
// first role naming it winning.
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
