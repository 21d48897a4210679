package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// Two Eurostat datasets are in shared/realdata as Eurostat wrote them, for
// every reporting country: migr_pop1ctz as the statistics API's JSON-stat
// 2.0 answer, migr_resvalid as the SDMX-CSV 2.0 download with labels (for
// Russian and for Ukrainian citizens). Their sample answers are those
// bytes: the CSV verbatim, the JSON-stat cut to what the source asks for.

const (
	pop1ctzFile = "realdata/Bencce4-beyond-borders__migr_pop1ctz__custom_19374948_jsonstat__RU-only.json"
	bencce4     = "github.com/Bencce4/beyond-borders"
)

// wholeFetchedAt stands for when the two custom extractions were taken:
// neither file records its download, the JSON-stat answer says it was
// 'updated' on 2025-12-04 at 23:00 CET, so the next morning is used.
var wholeFetchedAt = time.Date(2025, 12, 5, 9, 0, 0, 0, time.UTC)

// resvalidFiles are migr_resvalid's SDMX-CSV downloads by origin.
var resvalidFiles = map[string]struct{ File, Path, Commit, Trim string }{
	"RU": {"realdata/Bencce4-beyond-borders__migr_resvalid__custom_19375420_linear_2_0__RU-only.csv",
		"data/migr_resvalid__custom_19375420_linear_2_0.csv", "b08ff285247acd4980526e6139244cd5683fab4e",
		"the 328 rows of Russian citizens (and the header) of a download of every citizenship, as shared/realdata keeps " +
			"them: exactly the rows the request, which asks for one citizenship, is answered with"},
	"UA": {"realdata/Bencce4-beyond-borders__migr_resvalid__custom_18711207_linear_2_0__UA.csv",
		"data/migr_resvalid__custom_18711207_linear_2_0.csv", "8b67755",
		"the whole file as committed (a download of Ukrainian citizens only)"},
}

var wholeAnswers = map[string]func(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error){
	"migr_pop1ctz":  pop1ctzBody,
	"migr_resvalid": resvalidBody,
}

// errNotInSample marks an answer the shared files cannot give: the sample
// has no answer for that request (an offline run says "not in the sample
// archive").
var errNotInSample = errors.New("not in the sample")

func notInSample(why string) error { return fmt.Errorf("%w: %s", errNotInSample, why) }

// resvalidBody serves Eurostat's SDMX-CSV 2.0 download for the origin,
// byte for byte.
func resvalidBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	f, ok := resvalidFiles[in.origin]
	if !ok {
		return nil, notInSample("no migr_resvalid download for citizens of " + in.origin)
	}
	body, err := readShared(f.File)
	if err != nil {
		return nil, err
	}
	head, _, _ := bytes.Cut(body, []byte("\n"))
	if !bytes.HasPrefix(head, []byte("STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,freq,Time frequency,")) {
		return nil, fmt.Errorf("shared/%s: not Eurostat's SDMX-CSV 2.0 with labels", f.File)
	}
	if !bytes.Contains(body, []byte(",PER,Person,"+in.origin+",")) {
		return nil, fmt.Errorf("shared/%s: no rows of citizen %s", f.File, in.origin)
	}
	e.Header = map[string]string{"Content-Type": "application/vnd.sdmx.data+csv; version=2.0.0"}
	e.FetchedAt = wholeFetchedAt
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: fmt.Sprintf("shared/%s (%s, %s at commit %s; see shared/realdata/MANIFEST.tsv)", f.File, bencce4, f.Path, f.Commit),
		Published: "https://ec.europa.eu/eurostat/databrowser/view/migr_resvalid/default/table?lang=en (Eurostat Data " +
			"Browser custom extraction, downloaded as SDMX-CSV 2.0 with labels)",
		Note: "Eurostat's bytes: " + f.Trim + ", every reporting country, 2015-2024, with status flags. The Data Browser " +
			"download and the SDMX 3.0 API's csvdata answer with formatVersion=2.0 and labels=name share this layout. " +
			"Reconstructed: this URL, the Content-Type (SDMX-CSV 2.0's media type) and the fetch time (not recorded; " +
			"set to the morning after the extraction's sibling JSON-stat answer was updated, 2025-12-04).",
	}
	return body, nil
}

// pop1ctz is Eurostat's JSON-stat answer of migr_pop1ctz as shared/realdata
// keeps it (every citizenship in the dimensions, the Russian cells only),
// decoded once with its members in order.
var pop1ctz struct {
	once sync.Once
	doc  object
	err  error
}

func pop1ctzDoc() (object, error) {
	pop1ctz.once.Do(func() {
		b, err := readShared(pop1ctzFile)
		if err != nil {
			pop1ctz.err = err
			return
		}
		v, err := decodeOrdered(b)
		if err != nil {
			pop1ctz.err = fmt.Errorf("shared/%s: %w", pop1ctzFile, err)
			return
		}
		o, ok := v.(object)
		if !ok {
			pop1ctz.err = fmt.Errorf("shared/%s: not a JSON object", pop1ctzFile)
			return
		}
		pop1ctz.doc = o
	})
	return pop1ctz.doc, pop1ctz.err
}

// pop1ctzGeoOrder is the order of geo in Eurostat's answer.
func pop1ctzGeoOrder() ([]string, error) {
	cat, err := pop1ctzCategory("geo")
	if err != nil {
		return nil, err
	}
	return cat.codes, nil
}

// pop1ctzGeoLabels are Eurostat's English names of the geo codes.
func pop1ctzGeoLabels() (map[string]string, error) {
	cat, err := pop1ctzCategory("geo")
	if err != nil {
		return nil, err
	}
	return cat.labels, nil
}

type jsCategory struct {
	codes  []string
	labels map[string]string
}

func pop1ctzCategory(dim string) (jsCategory, error) {
	doc, err := pop1ctzDoc()
	if err != nil {
		return jsCategory{}, err
	}
	cat, _ := jsonPath(doc, "dimension", dim, "category").(object)
	index, _ := get(cat, "index").(object)
	labels, _ := get(cat, "label").(object)
	if index == nil || labels == nil {
		return jsCategory{}, fmt.Errorf("shared/%s: no category of %s", pop1ctzFile, dim)
	}
	out := jsCategory{labels: map[string]string{}}
	for _, m := range index {
		out.codes = append(out.codes, m.k)
	}
	for _, m := range labels {
		out.labels[m.k], _ = m.v.(string)
	}
	return out, nil
}

// pop1ctzBody writes the answer to the source's request from Eurostat's:
// the citizenship asked for and the source's filter codes kept, every
// reporting country and year, values and status flags moved to their
// positions in the smaller cube, everything else as Eurostat wrote it.
func pop1ctzBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	doc, err := pop1ctzDoc()
	if err != nil {
		return nil, err
	}
	keep := map[string]string{"citizen": in.originCode}
	for dim, code := range s.Map.Filter {
		keep[dim] = code
	}
	ids, sizes, err := cubeShape(doc)
	if err != nil {
		return nil, err
	}
	// Each dimension's kept position (or -1: every position kept).
	kept := make([]int, len(ids))
	newSizes := make([]any, len(ids))
	for i, id := range ids {
		kept[i] = -1
		newSizes[i] = sizes[i]
		code, ok := keep[id]
		if !ok {
			continue
		}
		cat, err := pop1ctzCategory(id)
		if err != nil {
			return nil, err
		}
		kept[i] = slices.Index(cat.codes, code)
		if kept[i] < 0 {
			return nil, fmt.Errorf("shared/%s: no %s=%s", pop1ctzFile, id, code)
		}
		newSizes[i] = 1
	}
	value, status, figures, err := cutCells(doc, sizes, kept)
	if err != nil {
		return nil, err
	}
	if figures == 0 {
		return nil, notInSample("Eurostat's answer in shared/realdata holds no cell of citizen " + in.originCode)
	}
	out := object{}
	for _, m := range doc {
		switch m.k {
		case "value":
			m.v = value
		case "status":
			m.v = status
		case "size":
			m.v = newSizes
		case "dimension":
			m.v = cutDimensions(m.v.(object), ids, kept)
		case "extension":
			m.v = withNoData(m.v.(object), ids, sizes, kept, value)
		}
		out = append(out, m)
	}
	body, err := encode(out)
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": "application/json"}
	e.FetchedAt = wholeFetchedAt
	e.Provenance = &archive.Provenance{
		Kind: "reconstructed",
		From: fmt.Sprintf("shared/%s (%s, data/migr_pop1ctz__custom_19374948_jsonstat.json at commit "+
			"b08ff285247acd4980526e6139244cd5683fab4e; see shared/realdata/MANIFEST.tsv)", pop1ctzFile, bencce4),
		Published: "https://ec.europa.eu/eurostat/databrowser/view/migr_pop1ctz/default/table?lang=en (Eurostat's JSON-stat " +
			"2.0 answer to a custom extraction, 'updated' 2025-12-04)",
		Note: fmt.Sprintf("Eurostat's answer, every reporting country, 2015-2024, cut to the request's codes (%s): the "+
			"%d figures and their status flags at their positions in that cube, the other members (labels, 'updated', "+
			"the extension's annotations) as Eurostat wrote them, positions-with-no-data computed for the cut. The fetch "+
			"time is not recorded: set to the morning after 'updated'.", codeList(keep), figures),
	}
	return body, nil
}

func codeList(m map[string]string) string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// cubeShape reads a JSON-stat dataset's id and size.
func cubeShape(doc object) ([]string, []int, error) {
	idv, _ := get(doc, "id").([]any)
	sizev, _ := get(doc, "size").([]any)
	if len(idv) == 0 || len(idv) != len(sizev) {
		return nil, nil, fmt.Errorf("shared/%s: id and size do not match", pop1ctzFile)
	}
	ids := make([]string, len(idv))
	sizes := make([]int, len(sizev))
	for i := range idv {
		ids[i], _ = idv[i].(string)
		n, err := strconv.Atoi(string(sizev[i].(json.Number)))
		if err != nil {
			return nil, nil, err
		}
		sizes[i] = n
	}
	return ids, sizes, nil
}

// cutCells moves the values and statuses of the kept positions to their
// positions in the cut cube (row-major, the last dimension fastest).
func cutCells(doc object, sizes, kept []int) (value, status object, figures int, err error) {
	newPos := func(key string) (int, bool) {
		pos, err := strconv.Atoi(key)
		if err != nil {
			return 0, false
		}
		idx := make([]int, len(sizes))
		for i := len(sizes) - 1; i >= 0; i-- {
			idx[i], pos = pos%sizes[i], pos/sizes[i]
		}
		out := 0
		for i := range sizes {
			n, at := sizes[i], idx[i]
			if kept[i] >= 0 {
				if at != kept[i] {
					return 0, false
				}
				n, at = 1, 0
			}
			out = out*n + at
		}
		return out, true
	}
	move := func(m object) object {
		type cell struct {
			pos int
			v   any
		}
		var cells []cell
		for _, x := range m {
			if p, ok := newPos(x.k); ok {
				cells = append(cells, cell{p, x.v})
			}
		}
		slices.SortFunc(cells, func(a, b cell) int { return a.pos - b.pos })
		out := object{}
		for _, c := range cells {
			out = append(out, member{strconv.Itoa(c.pos), c.v})
		}
		return out
	}
	v, _ := get(doc, "value").(object)
	st, _ := get(doc, "status").(object)
	value, status = move(v), move(st)
	return value, status, len(value), nil
}

// cutDimensions keeps the kept categories of each dimension.
func cutDimensions(dims object, ids []string, kept []int) object {
	out := object{}
	for _, m := range dims {
		i := slices.Index(ids, m.k)
		if i < 0 || kept[i] < 0 {
			out = append(out, m)
			continue
		}
		dim := m.v.(object)
		var nd object
		for _, dm := range dim {
			if dm.k == "category" {
				cat := dm.v.(object)
				index, labels := get(cat, "index").(object), get(cat, "label").(object)
				code := index[kept[i]].k
				nc := object{{"index", object{{code, json.Number("0")}}}}
				for _, l := range labels {
					if l.k == code {
						nc = append(nc, member{"label", object{l}})
					}
				}
				dm.v = nc
			}
			nd = append(nd, dm)
		}
		out = append(out, member{m.k, nd})
	}
	return out
}

// withNoData rewrites the extension's positions-with-no-data for the cut:
// per dimension, the positions of its categories no kept value has.
func withNoData(ext object, ids []string, sizes, kept []int, value object) object {
	n := make([]int, len(ids))
	for i := range ids {
		n[i] = sizes[i]
		if kept[i] >= 0 {
			n[i] = 1
		}
	}
	has := make([]map[int]bool, len(ids))
	for i := range has {
		has[i] = map[int]bool{}
	}
	for _, m := range value {
		pos, _ := strconv.Atoi(m.k)
		for i := len(ids) - 1; i >= 0; i-- {
			has[i][pos%n[i]] = true
			pos /= n[i]
		}
	}
	noData := object{}
	for i, id := range ids {
		empty := []any{}
		for p := 0; p < n[i]; p++ {
			if !has[i][p] {
				empty = append(empty, p)
			}
		}
		noData = append(noData, member{id, empty})
	}
	out := object{}
	for _, m := range ext {
		if m.k == "positions-with-no-data" {
			m.v = noData
		}
		out = append(out, m)
	}
	return out
}

// get is an object's member, nil when absent.
func get(o object, key string) any {
	for _, m := range o {
		if m.k == key {
			return m.v
		}
	}
	return nil
}

// path follows object members.
func jsonPath(v any, keys ...string) any {
	for _, k := range keys {
		o, ok := v.(object)
		if !ok {
			return nil
		}
		v = get(o, k)
	}
	return v
}

// decodeOrdered decodes JSON keeping objects' members in order (object)
// and numbers as written (json.Number).
func decodeOrdered(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case json.Delim:
		switch x {
		case '{':
			o := object{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				o = append(o, member{k.(string), v})
			}
			_, err := d.Token() // }
			return o, err
		case '[':
			a := []any{}
			for d.More() {
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := d.Token() // ]
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", x)
	default:
		return x, nil // string, json.Number, bool or nil
	}
}
