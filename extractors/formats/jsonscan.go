package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file walks JSON that json.Valid already accepted, returning slices of
// the input instead of decoded copies: a 256 MiB answer is then held once,
// members keep their document order (bundles, labels), and value arrays are
// streamed instead of becoming a []any of millions of interfaces. Every
// function still checks its bounds, so malformed input is an error, never a
// panic.

// rawJSON is one JSON value, without surrounding white space.
type rawJSON []byte

var errJSONShape = errors.New("malformed JSON")

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// kind names the value's type by its first byte: '{', '[', '"', 'n' (null),
// 't', 'f', '0' (a number), or 0 when empty.
func (r rawJSON) kind() byte {
	if len(r) == 0 {
		return 0
	}
	switch c := r[0]; c {
	case '{', '[', '"', 'n', 't', 'f':
		return c
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	}
	return 0
}

// kindName is the JSON type for error messages.
func (r rawJSON) kindName() string {
	switch r.kind() {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '0':
		return "a number"
	}
	return "empty"
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return len(b), errJSONShape
}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, errJSONShape
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				k, err := skipString(b, j)
				if err != nil {
					return k, err
				}
				j = k - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return len(b), errJSONShape
	}
	j := i
	for j < len(b) && !isJSONSpace(b[j]) && b[j] != ',' && b[j] != ']' && b[j] != '}' && b[j] != ':' {
		j++
	}
	if j == i {
		return i, errJSONShape
	}
	return j, nil
}

// decodeJSONString unquotes a JSON string; the fast path avoids
// encoding/json for the common string without escapes.
func decodeJSONString(r rawJSON) (string, error) {
	if len(r) < 2 || r[0] != '"' || r[len(r)-1] != '"' {
		return "", errJSONShape
	}
	inner := r[1 : len(r)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", err
	}
	return s, nil
}

// str returns the value as a string and whether it is one.
func (r rawJSON) str() (string, bool) {
	if r.kind() != '"' {
		return "", false
	}
	s, err := decodeJSONString(r)
	return s, err == nil
}

// eachMember calls fn for every member of the object, in document order.
func (r rawJSON) eachMember(fn func(key string, v rawJSON) error) error {
	b := []byte(r)
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errJSONShape
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return errJSONShape
		}
		j, err := skipString(b, i)
		if err != nil {
			return err
		}
		key, err := decodeJSONString(rawJSON(b[i:j]))
		if err != nil {
			return err
		}
		i = skipJSONSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return errJSONShape
		}
		i = skipJSONSpace(b, i+1)
		k, err := skipValue(b, i)
		if err != nil {
			return err
		}
		if err := fn(key, rawJSON(b[i:k])); err != nil {
			return err
		}
		i = skipJSONSpace(b, k)
		if i >= len(b) {
			return errJSONShape
		}
		switch b[i] {
		case ',':
			i = skipJSONSpace(b, i+1)
		case '}':
			return nil
		default:
			return errJSONShape
		}
	}
}

// jsonObject is an object's members by key (the last of duplicates wins,
// as in encoding/json) plus their document order.
type jsonObject struct {
	keys []string
	m    map[string]rawJSON
}

func (r rawJSON) object() (*jsonObject, error) {
	o := &jsonObject{m: map[string]rawJSON{}}
	err := r.eachMember(func(k string, v rawJSON) error {
		if _, dup := o.m[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.m[k] = v
		return nil
	})
	return o, err
}

func (o *jsonObject) get(key string) (rawJSON, bool) {
	v, ok := o.m[key]
	return v, ok
}

// has reports whether every key is present.
func (o *jsonObject) has(keys ...string) bool {
	for _, k := range keys {
		if _, ok := o.m[k]; !ok {
			return false
		}
	}
	return true
}

// str returns a member that is a string, "" otherwise.
func (o *jsonObject) str(key string) string {
	s, _ := o.m[key].str()
	return s
}

// arrayIter pulls the elements of an array one at a time, so that a value
// array and a status array can be walked in step without decoding either.
type arrayIter struct {
	b    []byte
	i    int
	n    int // elements returned so far
	done bool
}

func newArrayIter(r rawJSON) (*arrayIter, error) {
	b := []byte(r)
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, errJSONShape
	}
	it := &arrayIter{b: b, i: skipJSONSpace(b, i+1)}
	if it.i < len(b) && b[it.i] == ']' {
		it.done = true
	}
	return it, nil
}

// next returns the next element, or ok == false after the last one.
func (it *arrayIter) next() (v rawJSON, ok bool, err error) {
	if it.done {
		return nil, false, nil
	}
	b := it.b
	k, err := skipValue(b, it.i)
	if err != nil {
		return nil, false, err
	}
	v = rawJSON(b[it.i:k])
	i := skipJSONSpace(b, k)
	if i >= len(b) {
		return nil, false, errJSONShape
	}
	switch b[i] {
	case ',':
		it.i = skipJSONSpace(b, i+1)
	case ']':
		it.done = true
	default:
		return nil, false, errJSONShape
	}
	it.n++
	return v, true, nil
}

// arrayLen counts the elements of an array.
func (r rawJSON) arrayLen() (int, error) {
	it, err := newArrayIter(r)
	if err != nil {
		return 0, err
	}
	for {
		_, ok, err := it.next()
		if err != nil || !ok {
			return it.n, err
		}
	}
}

// strings decodes an array of strings.
func (r rawJSON) strings() ([]string, error) {
	it, err := newArrayIter(r)
	if err != nil {
		return nil, err
	}
	var out []string
	for {
		v, ok, err := it.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		s, isStr := v.str()
		if !isStr {
			return nil, fmt.Errorf("item %d is %s, want a string", it.n-1, v.kindName())
		}
		out = append(out, s)
	}
}

// float parses a JSON number; a number too large for float64 is an error,
// not an infinity.
func (r rawJSON) float() (float64, error) {
	f, err := strconv.ParseFloat(string(r), 64)
	if err != nil {
		return 0, fmt.Errorf("number %s out of range", r)
	}
	return f, nil
}

// nonNegInt parses a count or position given as a JSON number or, as some
// publishers do, as a string of digits.
func (r rawJSON) nonNegInt() (int, error) {
	s := string(r)
	if r.kind() == '"' {
		var ok bool
		if s, ok = r.str(); !ok {
			return 0, errJSONShape
		}
		s = strings.TrimSpace(s)
	} else if r.kind() != '0' {
		return 0, fmt.Errorf("is %s, want a whole number", r.kindName())
	}
	return parsePosition(s)
}

// parsePosition parses a whole number >= 0 written as digits, or as a JSON
// number with a zero fraction ("3.0", "1e2").
func parsePosition(s string) (int, error) {
	if n, ok := parseDigits(s); ok {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "xXpPnNiI_") || !(f >= 0 && f <= 1<<53) || f != math.Trunc(f) {
		return 0, fmt.Errorf("%q is not a whole number >= 0", s)
	}
	return int(f), nil
}

// parseDigits parses a non-empty string of ASCII digits.
func parseDigits(s string) (int, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// jsonPath appends an object key to a JSON path, quoting keys that are not
// plain identifiers ("$.dimension[\"County and Region\"]").
func jsonPath(base, key string) string {
	plain := key != ""
	for i, c := range key {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return base + "." + key
	}
	return base + "[" + strconv.Quote(key) + "]"
}

func jsonIndex(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }
