package formats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The "sdmx-json" reader reads SDMX-JSON data messages: 1.0 as ECB and
// OECD.Stat serve it ({header, structure, dataSets} or {meta, data:
// {structure, dataSets}}) and 2.0 ({meta, data: {structures, dataSets}}).
// Observations are keyed by dimension positions ("0:1" -> [value,
// attribute positions...]), under series or flat; dimensions come out in
// keyPosition order, those without one (TIME_PERIOD in 1.0) last. Only the
// status attributes are decoded: an attribute position that points at no
// value is an error for them and ignored for the others, which nothing
// reads. An "errors" member fails the input with its text.
// Parameters: those of every SDMX reader (sdmx.go).
type sdmxJSONReader struct{}

func (sdmxJSONReader) Format() string { return SDMXJSON }

func (sdmxJSONReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	root, err := loadJSON(in)
	if err != nil {
		return err
	}
	opt, err := sdmxParams(in)
	if err != nil {
		return err
	}
	w, err := newSDMXJSONWalker(in, root, opt.status)
	if err != nil {
		return err
	}
	return sdmxRead(ctx, in, w.walk, w.position, emit)
}

// sdmxJSONComponent is a dimension or attribute of a structure.
type sdmxJSONComponent struct {
	id     string
	keyPos int      // keyPosition, -1 when absent
	codes  []string // value ids (attributes without ids: their value or name)
	status bool     // an attribute that makes the status
}

// sdmxJSONStructure is one structure: components per attachment level.
type sdmxJSONStructure struct {
	name  string
	dims  [3][]sdmxJSONComponent // dataSet, series, observation
	attrs [3][]sdmxJSONComponent
	order [][2]int // dimensions as (level, index), in keyPosition order
	nMeas int      // measures at the front of an observation array
}

const (
	sdmxLevelSet = iota
	sdmxLevelSeries
	sdmxLevelObs
)

var sdmxLevels = [3]string{"dataSet", "series", "observation"}

type sdmxJSONDataSet struct {
	path   string
	raw    *jsonObject
	st     *sdmxJSONStructure
	action string
}

type sdmxJSONWalker struct {
	in   extractors.Input
	sets []sdmxJSONDataSet
	// where the walk is, for position()
	set               int
	seriesKey, obsKey string
	inSeries          bool
}

func (w *sdmxJSONWalker) position() string {
	p := w.sets[w.set].path
	if w.inSeries {
		p = jsonPath(p+".series", w.seriesKey)
	}
	return jsonPath(p+".observations", w.obsKey)
}

func newSDMXJSONWalker(in extractors.Input, root rawJSON, status []string) (*sdmxJSONWalker, error) {
	if root.kind() != '{' {
		return nil, in.Errorf("$", "SDMX-JSON wants an object at the top, got %s", root.kindName())
	}
	top, err := root.object()
	if err != nil {
		return nil, in.Errorf("$", "malformed object: %v", err)
	}
	if e, ok := top.get("errors"); ok && e.kind() == '[' {
		if n, _ := e.arrayLen(); n > 0 {
			return nil, in.Errorf("$.errors", "the SDMX service answered with errors: %s", excerpt(e, 300))
		}
	}
	body, base := top, "$"
	if d, ok := top.get("data"); ok && d.kind() == '{' {
		if body, err = d.object(); err != nil {
			return nil, in.Errorf("$.data", "malformed object: %v", err)
		}
		base = "$.data"
	}
	var structures []*sdmxJSONStructure
	if raw, ok := body.get("structures"); ok { // 2.0
		err := sdmxJSONEach(in, base+".structures", raw, func(p string, v rawJSON) error {
			st, err := sdmxJSONParseStructure(in, p, v, status)
			structures = append(structures, st)
			return err
		})
		if err != nil {
			return nil, err
		}
	} else if raw, ok := body.get("structure"); ok {
		st, err := sdmxJSONParseStructure(in, base+".structure", raw, status)
		if err != nil {
			return nil, err
		}
		structures = append(structures, st)
	}
	raw, ok := body.get("dataSets")
	if !ok || len(structures) == 0 {
		if body.has("dataStructures") || body.has("codelists") || body.has("dataflows") {
			return nil, in.Errorf(base, "an SDMX-JSON structure message, not data")
		}
		return nil, in.Errorf(base, "not an SDMX-JSON data message: no dataSets and structure (members %s)", keyList(body.keys, 8))
	}
	w := &sdmxJSONWalker{in: in}
	err = sdmxJSONEach(in, base+".dataSets", raw, func(p string, v rawJSON) error {
		if v.kind() != '{' {
			return in.Errorf(p, "a data set is %s, want an object", v.kindName())
		}
		o, err := v.object()
		if err != nil {
			return in.Errorf(p, "malformed object: %v", err)
		}
		si := 0
		if s, ok := o.get("structure"); ok {
			if si, err = s.nonNegInt(); err != nil || si >= len(structures) {
				return in.Errorf(p+".structure", "structure %s: the message has %d structures", s, len(structures))
			}
		}
		w.sets = append(w.sets, sdmxJSONDataSet{path: p, raw: o, st: structures[si], action: o.str("action")})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(w.sets) == 0 {
		return nil, in.Errorf(base+".dataSets", "no data sets")
	}
	return w, nil
}

func sdmxJSONParseStructure(in extractors.Input, p string, raw rawJSON, status []string) (*sdmxJSONStructure, error) {
	if raw.kind() != '{' {
		return nil, in.Errorf(p, "structure is %s, want an object", raw.kindName())
	}
	o, err := raw.object()
	if err != nil {
		return nil, in.Errorf(p, "malformed object: %v", err)
	}
	st := &sdmxJSONStructure{nMeas: 1, name: sdmxJSONName(o)}
	for k, kind := range []string{"dimensions", "attributes"} {
		group, ok := o.get(kind)
		if !ok {
			if k == 0 {
				return nil, in.Errorf(p, "a structure without dimensions")
			}
			continue
		}
		g, err := group.object()
		if err != nil {
			return nil, in.Errorf(p+"."+kind, "%s is %s, want an object", kind, group.kindName())
		}
		for level, name := range sdmxLevels {
			list, ok := g.get(name)
			if !ok || list.kind() == 'n' {
				continue
			}
			comps, err := sdmxJSONComponents(in, p+"."+kind+"."+name, list, k == 0, status)
			if err != nil {
				return nil, err
			}
			if k == 0 {
				st.dims[level] = comps
			} else {
				st.attrs[level] = comps
			}
		}
	}
	if m, ok := o.get("measures"); ok && m.kind() == '{' {
		if mo, err := m.object(); err == nil {
			if n, err := mo.m["observation"].arrayLen(); err == nil && n > 0 {
				st.nMeas = n
			}
		}
	}
	if st.nMeas != 1 {
		return nil, in.Errorf(p+".measures", "%d measures: this reader reads messages with one", st.nMeas)
	}
	for level := range st.dims {
		for i := range st.dims[level] {
			st.order = append(st.order, [2]int{level, i})
		}
	}
	// keyPosition order; dimensions without one keep their place after.
	slices.SortStableFunc(st.order, func(a, b [2]int) int {
		ka, kb := st.dims[a[0]][a[1]].keyPos, st.dims[b[0]][b[1]].keyPos
		switch {
		case ka < 0 && kb < 0:
			return 0
		case ka < 0:
			return 1
		case kb < 0:
			return -1
		}
		return ka - kb
	})
	if len(st.order) == 0 {
		return nil, in.Errorf(p+".dimensions", "no dimensions")
	}
	for level, comps := range st.dims {
		if level == sdmxLevelSet {
			for i, c := range comps {
				if len(c.codes) != 1 {
					return nil, in.Errorf(jsonIndex(p+".dimensions.dataSet", i), "data-set dimension %s has %d values, want 1", c.id, len(c.codes))
				}
			}
		}
	}
	return st, nil
}

// sdmxJSONName is the dataflow a structure describes: its URN's id, else
// its name.
func sdmxJSONName(o *jsonObject) string {
	if links, ok := o.get("links"); ok {
		if it, err := newArrayIter(links); err == nil {
			for {
				v, more, err := it.next()
				if err != nil || !more {
					break
				}
				if l, err := v.object(); err == nil && l.str("rel") == "dataflow" {
					if _, id, ok := strings.Cut(l.str("urn"), "="); ok {
						return id
					}
				}
			}
		}
	}
	return o.str("name")
}

func sdmxJSONComponents(in extractors.Input, p string, raw rawJSON, dims bool, status []string) ([]sdmxJSONComponent, error) {
	var comps []sdmxJSONComponent
	err := sdmxJSONEach(in, p, raw, func(cp string, v rawJSON) error {
		o, err := v.object()
		if err != nil {
			return in.Errorf(cp, "a component is %s, want an object", v.kindName())
		}
		c := sdmxJSONComponent{id: o.str("id"), keyPos: -1}
		if c.id == "" {
			return in.Errorf(cp+".id", "a component without an id")
		}
		c.status = !dims && slices.Contains(status, c.id)
		if kp, ok := o.get("keyPosition"); ok && kp.kind() != 'n' {
			if c.keyPos, err = kp.nonNegInt(); err != nil {
				return in.Errorf(cp+".keyPosition", "%v", err)
			}
		}
		vals, ok := o.get("values")
		if !ok || !dims && !c.status { // an attribute whose values nothing reads
			comps = append(comps, c)
			return nil
		}
		err = sdmxJSONEach(in, cp+".values", vals, func(vp string, val rawJSON) error {
			vo, err := val.object()
			if err != nil {
				return in.Errorf(vp, "a value is %s, want an object", val.kindName())
			}
			code := vo.str("id")
			if code == "" && !dims {
				code = firstNonEmpty(vo.str("value"), vo.str("name"))
			}
			if code == "" {
				return in.Errorf(vp+".id", "a value of %s without an id", c.id)
			}
			c.codes = append(c.codes, code)
			return nil
		})
		comps = append(comps, c)
		return err
	})
	return comps, err
}

// sdmxJSONEach calls fn with the path and value of each element of an
// array.
func sdmxJSONEach(in extractors.Input, p string, raw rawJSON, fn func(p string, v rawJSON) error) error {
	it, err := newArrayIter(raw)
	if err != nil {
		return in.Errorf(p, "is %s, want an array", raw.kindName())
	}
	for {
		v, more, err := it.next()
		if err != nil {
			return in.Errorf(p, "malformed array: %v", err)
		}
		if !more {
			return nil
		}
		if err := fn(jsonIndex(p, it.n-1), v); err != nil {
			return err
		}
	}
}

// walk calls fn with every observation of every data set, in document
// order, and returns the data sets (Delete ones included, without walking
// them).
func (w *sdmxJSONWalker) walk(fn func(*sdmxObs) error) ([]sdmxSet, error) {
	var sets []sdmxSet
	for i := range w.sets {
		d := &w.sets[i]
		sets = append(sets, sdmxSet{name: d.st.name, action: d.action})
		w.set, w.inSeries, w.seriesKey, w.obsKey = i, false, "", ""
		if sdmxDeletes(d.action) {
			continue // Delete data sets hold no values (empty observation arrays)
		}
		if err := w.walkSet(i, fn); err != nil {
			return nil, err
		}
	}
	return sets, nil
}

// sdmxJSONSetWalk is the walk through one data set: the attribute
// positions set at each level so far, and the observation handed to fn
// (reused: its slices are only valid during the callback).
type sdmxJSONSetWalk struct {
	w       *sdmxJSONWalker
	d       *sdmxJSONDataSet
	st      *sdmxJSONStructure
	fn      func(*sdmxObs) error
	attrIdx [3][]int // attribute positions per level, -1 when unset
	fields  []sdmxField
	o       sdmxObs
}

// walkSet walks data set i: its series and their observations, then the
// observations attached to the data set itself.
func (w *sdmxJSONWalker) walkSet(i int, fn func(*sdmxObs) error) error {
	d := &w.sets[i]
	st := d.st
	sw := &sdmxJSONSetWalk{w: w, d: d, st: st, fn: fn, o: sdmxObs{set: i},
		fields: make([]sdmxField, len(st.order), len(st.order)+len(st.attrs[0])+len(st.attrs[1])+len(st.attrs[2]))}
	for level := range sw.attrIdx {
		sw.attrIdx[level] = make([]int, len(st.attrs[level]))
	}
	// Data-set level: dimensions have one value; attributes a position.
	if err := w.attributes(d.raw.m["attributes"], d.path+".attributes", sw.attrIdx[sdmxLevelSet]); err != nil {
		return err
	}
	if series, ok := d.raw.get("series"); ok && series.kind() != 'n' {
		if err := sw.series(series); err != nil {
			return err
		}
	}
	if obs, ok := d.raw.get("observations"); ok && obs.kind() != 'n' {
		if obs.kind() != '{' {
			return w.in.Errorf(d.path+".observations", "observations is %s, want an object", obs.kindName())
		}
		for j := range sw.attrIdx[sdmxLevelSeries] {
			sw.attrIdx[sdmxLevelSeries][j] = -1
		}
		if err := sw.observations(obs, nil); err != nil {
			return sdmxJSONShape(w.in, d.path+".observations", err)
		}
	}
	return nil
}

// series walks the data set's series object: each series' key, attributes
// and observations.
func (sw *sdmxJSONSetWalk) series(series rawJSON) error {
	w, d, st := sw.w, sw.d, sw.st
	w.inSeries = true
	err := series.eachMember(func(sk string, s rawJSON) error {
		w.seriesKey, w.obsKey = sk, ""
		sp := jsonPath(d.path+".series", sk)
		seriesKey, err := sdmxJSONKey(sk, st.dims[sdmxLevelSeries])
		if err != nil {
			return w.in.Errorf(sp, "%v", err)
		}
		so, err := s.object()
		if err != nil {
			return w.in.Errorf(sp, "a series is %s, want an object", s.kindName())
		}
		if err := w.attributes(so.m["attributes"], sp+".attributes", sw.attrIdx[sdmxLevelSeries]); err != nil {
			return err
		}
		obs, ok := so.get("observations")
		if !ok || obs.kind() == 'n' {
			return nil
		}
		if obs.kind() != '{' {
			return w.in.Errorf(sp+".observations", "observations is %s, want an object", obs.kindName())
		}
		return sw.observations(obs, seriesKey)
	})
	if err != nil {
		return sdmxJSONShape(w.in, d.path+".series", err)
	}
	w.inSeries = false
	return nil
}

// observations walks an observations object, keyed by observation-level
// positions, under the series whose key positions are seriesKey (nil for
// the data set's own observations).
func (sw *sdmxJSONSetWalk) observations(obs rawJSON, seriesKey []int) error {
	w := sw.w
	return obs.eachMember(func(ok string, v rawJSON) error {
		w.obsKey = ok
		obsKey, err := sdmxJSONKey(ok, sw.st.dims[sdmxLevelObs])
		if err != nil {
			return w.in.Errorf(w.position(), "%v", err)
		}
		return sw.observation(v, seriesKey, obsKey)
	})
}

// observation decodes one observation array (the value, then attribute
// positions) and hands it to fn with its dimensions and status attributes.
func (sw *sdmxJSONSetWalk) observation(obs rawJSON, seriesKey, obsKey []int) error {
	w, st, o := sw.w, sw.st, &sw.o
	p := w.position()
	arr, err := newArrayIter(obs)
	if err != nil {
		return w.in.Errorf(p, "an observation is %s, want an array", obs.kindName())
	}
	first, more, err := arr.next()
	if err != nil || !more {
		return w.in.Errorf(p, "an observation without a value")
	}
	if o.value, err = sdmxJSONValue(w.in, p, first); err != nil {
		return err
	}
	if err := sw.observationAttributes(p, arr); err != nil {
		return err
	}
	levelKeys := [3][]int{nil, seriesKey, obsKey}
	for k, lv := range st.order {
		level, di := lv[0], lv[1]
		c := st.dims[level][di]
		pos := 0
		if level != sdmxLevelSet {
			pos = levelKeys[level][di]
		}
		sw.fields[k] = sdmxField{id: c.id, value: c.codes[pos], kind: sdmxDim}
	}
	o.fields = sw.fields[:len(st.order)]
	for level := range sw.attrIdx {
		for j, c := range st.attrs[level] {
			ix := sw.attrIdx[level][j]
			if !c.status || ix < 0 {
				continue
			}
			if ix >= len(c.codes) {
				return w.in.Errorf(p, "attribute %s: position %d, but it has %d values", c.id, ix, len(c.codes))
			}
			o.fields = append(o.fields, sdmxField{id: c.id, value: c.codes[ix], kind: sdmxAttr})
		}
	}
	return sw.fn(o)
}

// sdmxJSONValue is an observation's value as text: a number as written, ""
// for null.
func sdmxJSONValue(in extractors.Input, p string, first rawJSON) (string, error) {
	switch first.kind() {
	case 'n':
		return "", nil
	case '0':
		return string(first), nil
	case '"':
		v, _ := first.str()
		if v == "" {
			return "", in.Errorf(jsonIndex(p, 0), "an empty string for a value")
		}
		return v, nil
	}
	return "", in.Errorf(jsonIndex(p, 0), "the value is %s, want a number or null", first.kindName())
}

// observationAttributes reads the attribute positions that follow an
// observation's value (null: not set).
func (sw *sdmxJSONSetWalk) observationAttributes(p string, arr *arrayIter) error {
	idx := sw.attrIdx[sdmxLevelObs]
	for j := range idx {
		idx[j] = -1
	}
	for j := 0; ; j++ {
		a, more, err := arr.next()
		if err != nil {
			return sw.w.in.Errorf(p, "malformed array: %v", err)
		}
		if !more {
			return nil
		}
		if j >= len(idx) {
			continue // positions past the declared attributes refer to nothing
		}
		if a.kind() == 'n' {
			continue
		}
		if idx[j], err = a.nonNegInt(); err != nil {
			return sw.w.in.Errorf(jsonIndex(p, j+1), "attribute %s: %v", sw.st.attrs[sdmxLevelObs][j].id, err)
		}
	}
}

// sdmxJSONShape turns a malformed-JSON error of eachMember into a
// FormatError, keeping the callbacks' own errors.
func sdmxJSONShape(in extractors.Input, p string, err error) error {
	if err == errJSONShape {
		return in.Errorf(p, "malformed object")
	}
	return err
}

// attributes reads an array of attribute positions (null: not set).
func (w *sdmxJSONWalker) attributes(raw rawJSON, p string, into []int) error {
	for j := range into {
		into[j] = -1
	}
	if raw == nil || raw.kind() == 'n' {
		return nil
	}
	j := 0
	return sdmxJSONEach(w.in, p, raw, func(ip string, v rawJSON) error {
		defer func() { j++ }()
		if j >= len(into) || v.kind() == 'n' {
			return nil
		}
		var err error
		if into[j], err = v.nonNegInt(); err != nil {
			return w.in.Errorf(ip, "%v", err)
		}
		return nil
	})
}

// sdmxJSONKey parses "0:1:2" into positions, one per dimension.
func sdmxJSONKey(key string, dims []sdmxJSONComponent) ([]int, error) {
	if len(dims) == 0 {
		if key != "" && key != "0" {
			return nil, fmt.Errorf("key %q for a level without dimensions", key)
		}
		return nil, nil
	}
	parts := strings.Split(key, ":")
	if len(parts) != len(dims) {
		return nil, fmt.Errorf("key %q has %d positions for the %d dimensions %s", key, len(parts), len(dims), sdmxJSONIDs(dims))
	}
	out := make([]int, len(parts))
	for i, s := range parts {
		n, ok := parseDigits(s)
		if !ok || n >= len(dims[i].codes) {
			return nil, fmt.Errorf("key %q: position %s of %s, which has %d values", key, strconv.Quote(s), dims[i].id, len(dims[i].codes))
		}
		out[i] = n
	}
	return out, nil
}

func sdmxJSONIDs(comps []sdmxJSONComponent) string {
	ids := make([]string, len(comps))
	for i, c := range comps {
		ids[i] = c.id
	}
	return strings.Join(ids, ",")
}
