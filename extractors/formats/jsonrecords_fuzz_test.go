package formats

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/emigre/emigre/extractors"
)

// FuzzJSONRecords feeds the json-records reader mutated answers, seeded with
// the sample archive's record lists (UNHCR's): it must never panic, must
// fail only with a FormatError, and every cell must be well-formed.
func FuzzJSONRecords(f *testing.F) {
	addSampleSeeds(f, func(b []byte) bool { return bytes.Contains(b, []byte(`"items"`)) })
	f.Add([]byte(`{"page":1,"maxPages":1,"items":[{"year":2022,"coa_iso":"DEU","applied":"0"},{"year":2021,"coa_iso":"USA","applied":"-"}]}`))
	params := unhcrParams()
	params["max_bytes"] = "1000000"
	f.Fuzz(func(t *testing.T, body []byte) {
		cells, err := readBody(t, "json-records", "fuzz.json", body, params)
		if err != nil {
			var fe *extractors.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FormatError: %T %v", err, err)
			}
			return
		}
		for i, c := range cells {
			if len(c.Codes) != len(c.Table.Dims) {
				t.Fatalf("cell %d has %d codes for %d dims", i, len(c.Codes), len(c.Table.Dims))
			}
			if c.Missing && c.Value != 0 || math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
				t.Fatalf("cell %d = %+v", i, c)
			}
		}
	})
}
