package formats

import (
	"context"
	"fmt"
	"strconv"

	"github.com/emigre/emigre/extractors"
)

// A dataset's cells: preparing value and status, walking the cells in
// row-major order, and decoding each under the package's value policy.

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
		if f, ok := numericString(s); ok {
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
