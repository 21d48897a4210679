package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// jsonStat is a JSON-stat 2.0 dataset opened for editing. The faults that
// change what a table says (schema drift, bad values, duplicated periods)
// and the revisions of the crash and reader tests edit archived answers
// through it, so every edit starts from a publisher's real layout.
type jsonStat struct {
	doc    map[string]any
	ids    []string
	codes  [][]string // per dimension, in index order
	values []any      // dense, row-major (last dimension fastest); nil: no value
	sparse bool       // value was an object keyed by position
}

func openJSONStat(b []byte) (*jsonStat, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	j := &jsonStat{}
	if err := dec.Decode(&j.doc); err != nil {
		return nil, fmt.Errorf("not a JSON-stat dataset: %w", err)
	}
	ids, _ := j.doc["id"].([]any)
	dims, _ := j.doc["dimension"].(map[string]any)
	if len(ids) == 0 || dims == nil {
		return nil, fmt.Errorf("not a JSON-stat 2.0 dataset: no id or dimension")
	}
	n := 1
	for _, v := range ids {
		id, _ := v.(string)
		codes, err := categoryCodes(dims[id])
		if err != nil {
			return nil, fmt.Errorf("dimension %q: %w", id, err)
		}
		j.ids = append(j.ids, id)
		j.codes = append(j.codes, codes)
		n *= len(codes)
	}
	j.values = make([]any, n)
	switch v := j.doc["value"].(type) {
	case []any:
		if len(v) != n {
			return nil, fmt.Errorf("value has %d items, want %d", len(v), n)
		}
		copy(j.values, v)
	case map[string]any:
		j.sparse = true
		for k, x := range v {
			p, err := strconv.Atoi(k)
			if err != nil || p < 0 || p >= n {
				return nil, fmt.Errorf("value position %q", k)
			}
			j.values[p] = x
		}
	default:
		return nil, fmt.Errorf("value is %T", v)
	}
	return j, nil
}

// categoryCodes lists a dimension's codes in index order.
func categoryCodes(d any) ([]string, error) {
	dim, _ := d.(map[string]any)
	cat, _ := dim["category"].(map[string]any)
	if cat == nil {
		return nil, fmt.Errorf("no category")
	}
	switch idx := cat["index"].(type) {
	case []any:
		var codes []string
		for _, c := range idx {
			s, _ := c.(string)
			codes = append(codes, s)
		}
		return codes, nil
	case map[string]any:
		codes := make([]string, len(idx))
		for c, p := range idx {
			n, err := strconv.Atoi(fmt.Sprint(p))
			if err != nil || n < 0 || n >= len(idx) {
				return nil, fmt.Errorf("index of %q is %v", c, p)
			}
			codes[n] = c
		}
		return codes, nil
	case nil:
		labels, _ := cat["label"].(map[string]any)
		if len(labels) != 1 {
			return nil, fmt.Errorf("no index and %d labels", len(labels))
		}
		for c := range labels {
			return []string{c}, nil
		}
	}
	return nil, fmt.Errorf("index is %T", cat["index"])
}

func (j *jsonStat) dim(id string) (int, error) {
	if k := slices.Index(j.ids, id); k >= 0 {
		return k, nil
	}
	return -1, fmt.Errorf("no dimension %q (have %v)", id, j.ids)
}

// renameDim renames a dimension everywhere it is named.
func (j *jsonStat) renameDim(from, to string) error {
	k, err := j.dim(from)
	if err != nil {
		return err
	}
	j.ids[k] = to
	dims := j.doc["dimension"].(map[string]any)
	dims[to] = dims[from]
	delete(dims, from)
	if roles, ok := j.doc["role"].(map[string]any); ok {
		for r, v := range roles {
			if list, ok := v.([]any); ok {
				for i, x := range list {
					if x == from {
						list[i] = to
					}
				}
				roles[r] = list
			}
		}
	}
	return nil
}

// removeCode drops a code and every value under it.
func (j *jsonStat) removeCode(dimID, code string) error {
	k, err := j.dim(dimID)
	if err != nil {
		return err
	}
	at := slices.Index(j.codes[k], code)
	if at < 0 {
		return fmt.Errorf("dimension %q has no code %q", dimID, code)
	}
	var src []int
	for i := range j.codes[k] {
		if i != at {
			src = append(src, i)
		}
	}
	j.remap(k, slices.Delete(slices.Clone(j.codes[k]), at, at+1), src, nil)
	return nil
}

// appendCode adds a code at the end of a dimension whose values are those
// of the code like, passed through edit.
func (j *jsonStat) appendCode(dimID, code, like string, edit func(any) any) error {
	k, err := j.dim(dimID)
	if err != nil {
		return err
	}
	from := slices.Index(j.codes[k], like)
	if from < 0 {
		return fmt.Errorf("dimension %q has no code %q", dimID, like)
	}
	src := make([]int, len(j.codes[k]), len(j.codes[k])+1)
	for i := range src {
		src[i] = i
	}
	j.remap(k, append(slices.Clone(j.codes[k]), code), append(src, from), func(newIndex int, v any) any {
		if newIndex == len(src) {
			return edit(v)
		}
		return v
	})
	return nil
}

// remap rebuilds dimension k with codes, slice i of the new table taking
// the values of slice src[i] of the old one (through edit when not nil).
// Statuses are dropped: their positions no longer hold.
func (j *jsonStat) remap(k int, codes []string, src []int, edit func(newIndex int, v any) any) {
	stride := 1
	for _, c := range j.codes[k+1:] {
		stride *= len(c)
	}
	outer := len(j.values) / (stride * len(j.codes[k]))
	values := make([]any, 0, outer*len(codes)*stride)
	for o := range outer {
		for i, s := range src {
			for in := range stride {
				v := j.values[(o*len(j.codes[k])+s)*stride+in]
				if edit != nil {
					v = edit(i, v)
				}
				values = append(values, v)
			}
		}
	}
	j.codes[k], j.values = codes, values
	delete(j.doc, "status")
}

// last returns the position of the last cell that has a value.
func (j *jsonStat) last() (int, error) {
	for p := len(j.values) - 1; p >= 0; p-- {
		if j.values[p] != nil {
			return p, nil
		}
	}
	return -1, fmt.Errorf("no value to edit")
}

// newestPeriod is the code, in the time dimension timeDim, of the last
// value the table has.
func (j *jsonStat) newestPeriod(timeDim string) (string, error) {
	k, err := j.dim(timeDim)
	if err != nil {
		return "", err
	}
	p, err := j.last()
	if err != nil {
		return "", err
	}
	stride := 1
	for _, c := range j.codes[k+1:] {
		stride *= len(c)
	}
	return j.codes[k][p/stride%len(j.codes[k])], nil
}

// setLast replaces the last value the table has.
func (j *jsonStat) setLast(v any) error {
	p, err := j.last()
	if err != nil {
		return err
	}
	j.values[p] = v
	return nil
}

// setLastStatus gives the last value the table has a status (a flag).
func (j *jsonStat) setLastStatus(status string) error {
	p, err := j.last()
	if err != nil {
		return err
	}
	j.doc["status"] = map[string]any{strconv.Itoa(p): status}
	return nil
}

// addToLast adds delta to the last value the table has (a revision).
func (j *jsonStat) addToLast(delta int) error {
	p, err := j.last()
	if err != nil {
		return err
	}
	n, err := strconv.ParseFloat(fmt.Sprint(j.values[p]), 64)
	if err != nil {
		return fmt.Errorf("last value %v is not a number", j.values[p])
	}
	j.values[p] = n + float64(delta)
	return nil
}

// bytes writes the dataset back: index arrays, labels for the codes
// present, values in the layout the answer had.
func (j *jsonStat) bytes() []byte {
	dims := j.doc["dimension"].(map[string]any)
	sizes := make([]int, len(j.ids))
	for k, id := range j.ids {
		sizes[k] = len(j.codes[k])
		cat := dims[id].(map[string]any)["category"].(map[string]any)
		cat["index"] = j.codes[k]
		old, _ := cat["label"].(map[string]any)
		labels := map[string]any{}
		for _, c := range j.codes[k] {
			if l, ok := old[c]; ok {
				labels[c] = l
			} else {
				labels[c] = c
			}
		}
		cat["label"] = labels
	}
	j.doc["id"], j.doc["size"] = j.ids, sizes
	if j.sparse {
		m := map[string]any{}
		for p, v := range j.values {
			if v != nil {
				m[strconv.Itoa(p)] = v
			}
		}
		j.doc["value"] = m
	} else {
		j.doc["value"] = j.values
	}
	b, err := json.Marshal(j.doc)
	if err != nil {
		panic("reliability: re-encoding a decoded JSON document: " + err.Error()) // cannot happen: it was decoded from JSON
	}
	return b
}

// editJSONStat applies edit to a JSON-stat answer.
func editJSONStat(body []byte, edit func(*jsonStat) error) ([]byte, error) {
	j, err := openJSONStat(body)
	if err != nil {
		return nil, err
	}
	if err := edit(j); err != nil {
		return nil, err
	}
	return j.bytes(), nil
}
