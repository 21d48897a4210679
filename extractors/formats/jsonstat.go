package formats

import (
	"context"
	"fmt"
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
