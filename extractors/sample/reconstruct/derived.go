package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// readDerived reads a CSV of shared/realdata/derived with the columns named,
// returning its rows as maps; a missing column is an error.
func readDerived(name string, cols ...string) ([]map[string]string, error) {
	return readCSVRows("realdata/derived/"+name, cols...)
}

// readCSVRows reads a CSV of the shared folder (rel) with a header line,
// returning the named columns of each row as a map; a missing column is an
// error.
func readCSVRows(rel string, cols ...string) ([]map[string]string, error) {
	b, err := readShared(rel)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("shared/%s: %w", rel, err)
	}
	idx := map[string]int{}
	for i, h := range head {
		idx[h] = i
	}
	for _, c := range cols {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("shared/%s: no column %q (have %v)", rel, c, head)
		}
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("shared/%s: %w", rel, err)
		}
		row := map[string]string{}
		for _, c := range cols {
			row[c] = rec[idx[c]]
		}
		out = append(out, row)
	}
}

// wholeCount checks a derived figure is a whole, non-negative count.
func wholeCount(file, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("derived/%s: %q is not a whole count", file, v)
	}
	return n, nil
}
