package extractors

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Table is the header of the cells a reader emits: which dataset they belong
// to and the ids of their dimensions, in the publisher's order.
type Table struct {
	Dataset string            // the dataset's id or label; "" when a file holds one
	Dims    []string          // dimension ids as published
	Roles   map[string]string // dimension id -> role ("time", "geo", "metric") where the format says
}

// Cell is one value of a table: one code per dimension, the value and the
// status flag as published. A missing value keeps its status and is never 0.
type Cell struct {
	Table   *Table
	Codes   []string // parallel to Table.Dims
	Value   float64
	Missing bool
	Status  string
}

// Code returns the cell's code for the dimension id, and whether it has that
// dimension.
func (c Cell) Code(dim string) (string, bool) {
	for i, d := range c.Table.Dims {
		if d == dim {
			return c.Codes[i], true
		}
	}
	return "", false
}

// Input is what a reader reads: a named body and the source's parameters.
type Input struct {
	Name   string // file or URL, for error messages
	Body   io.Reader
	Params map[string]string
	// Metadata is the answer to the source's metadata request (a PxWeb
	// table's variables and value texts), for readers that need it to
	// read the data; nil when the source has none.
	Metadata []byte
}

// Param returns the named parameter or def.
func (in Input) Param(name, def string) string {
	if v, ok := in.Params[name]; ok && v != "" {
		return v
	}
	return def
}

// Emit receives the cells a reader decodes, one at a time, so that a reader
// of a large file never has to hold it whole. Returning an error stops the
// reader.
type Emit func(Cell) error

// Reader decodes one format. It knows the format, never a country.
type Reader interface {
	// Format is the reader's registered name ("jsonstat", "pxweb", ...).
	Format() string
	// Params lists the parameters the reader takes; a name ending in "."
	// stands for every name with that prefix ("dim." for dim.year). A
	// parameter not listed is refused (CheckParams), never ignored.
	Params() []string
	// Read decodes in and calls emit once per cell.
	Read(ctx context.Context, in Input, emit Emit) error
}

// CheckParams refuses the parameters the reader does not take, naming them
// and the ones it does: a misspelt parameter would otherwise be ignored and
// its default silently used.
func CheckParams(r Reader, params map[string]string) error {
	var unknown []string
	for name := range params {
		if !takesParam(r, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	takes := slices.Clone(r.Params())
	slices.Sort(takes)
	for i, t := range takes {
		if strings.HasSuffix(t, ".") {
			takes[i] = t + "ID"
		}
	}
	return fmt.Errorf("reader %s does not take parameter %s (it takes: %s)", r.Format(),
		strings.Join(unknown, ", "), strings.Join(takes, ", "))
}

func takesParam(r Reader, name string) bool {
	for _, p := range r.Params() {
		if p == name || (strings.HasSuffix(p, ".") && strings.HasPrefix(name, p) && len(name) > len(p)) {
			return true
		}
	}
	return false
}

var readers = map[string]Reader{}

// RegisterReader makes a reader available by its format name. Readers
// register themselves from init functions.
func RegisterReader(r Reader) {
	if _, dup := readers[r.Format()]; dup {
		panic("extractors: reader registered twice: " + r.Format())
	}
	readers[r.Format()] = r
}

// ReaderFor returns the reader registered for the format.
func ReaderFor(format string) (Reader, error) {
	r, ok := readers[format]
	if !ok {
		return nil, fmt.Errorf("no reader for format %q (known: %v)", format, ReaderFormats())
	}
	return r, nil
}

// ReaderFormats lists the registered format names, sorted.
func ReaderFormats() []string {
	names := make([]string, 0, len(readers))
	for n := range readers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// FormatError is a reader's complaint about its input: which file, where in
// it, and what was wrong.
type FormatError struct {
	File     string // the input's name
	Position string // line, cell or JSON path
	Msg      string
}

func (e *FormatError) Error() string {
	if e.Position == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: at %s: %s", e.File, e.Position, e.Msg)
}

// Errorf builds a FormatError for the input.
func (in Input) Errorf(position, format string, args ...any) error {
	return &FormatError{File: in.Name, Position: position, Msg: fmt.Sprintf(format, args...)}
}
