package formats

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/emigre/emigre/extractors"
)

// Limits for structured text: XML here, and the line-based readers (PC-Axis,
// Eurostat TSV) for their cells.
//
//	max_xml_depth   element nesting (default 64; SDMX needs 6, ODS about 20)
//	max_cell_bytes  one attribute value, text node or cell (default 1 MiB)
const (
	DefaultMaxXMLDepth  = 64
	DefaultMaxCellBytes = 1 << 20
)

// safeXML is an encoding/xml decoder with the limits data XML needs. A DTD
// is refused outright: data messages never carry one, and refusing it rules
// out entity expansion and external entities whatever encoding/xml does
// with them. Charsets other than UTF-8 are decoded only when the document
// declares them. It also keeps the element path, so that an error can say
// where it is (line and an XPath-like path).
type safeXML struct {
	in       extractors.Input
	d        *xml.Decoder
	maxDepth int
	maxCell  int
	stack    []xmlFrame
	root     xmlFrame // counts the top-level elements
	// closed: the last token was an end tag, whose element stays on the
	// stack until the next token, so that a position taken at an end tag
	// still names the element.
	closed bool
}

// xmlFrame is one open element: its name, its position among same-named
// siblings, and how many children of each name it has had so far.
type xmlFrame struct {
	name string
	n    int
	kids []xmlKid
}

type xmlKid struct {
	name string
	n    int
}

func newSafeXML(in extractors.Input, r io.Reader) (*safeXML, error) {
	depth, err := int64Param(in, "max_xml_depth", DefaultMaxXMLDepth)
	if err != nil {
		return nil, err
	}
	cell, err := maxCellBytes(in)
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel
	return &safeXML{in: in, d: d, maxDepth: int(min(depth, 1<<20)), maxCell: cell}, nil
}

// Token returns the next token (copied, so it stays valid), failing with a
// FormatError on malformed XML, a DTD, or input beyond the limits. At the
// end of the document it returns io.EOF.
func (x *safeXML) Token() (xml.Token, error) {
	if x.closed {
		x.stack = x.stack[:len(x.stack)-1]
		x.closed = false
	}
	t, err := x.d.Token()
	if err != nil {
		if err == io.EOF {
			if len(x.stack) > 0 {
				return nil, x.Errorf("truncated XML: the body ends inside <%s>", x.stack[len(x.stack)-1].name)
			}
			return nil, io.EOF
		}
		var fe *extractors.FormatError
		if errors.As(err, &fe) {
			return nil, err // max_bytes, a corrupt gzip stream
		}
		var syn *xml.SyntaxError
		if errors.As(err, &syn) {
			if syn.Msg == "unexpected EOF" {
				return nil, x.in.Errorf(x.lineAndPath(syn.Line), "truncated XML (unexpected EOF): the body ends inside an element")
			}
			return nil, x.in.Errorf(x.lineAndPath(syn.Line), "invalid XML: %s", syn.Msg)
		}
		return nil, x.Errorf("invalid XML: %v", err)
	}
	switch t := t.(type) {
	case xml.StartElement:
		if len(x.stack) >= x.maxDepth {
			return nil, x.Errorf("elements nested deeper than max_xml_depth=%d", x.maxDepth)
		}
		for _, a := range t.Attr {
			if len(a.Value) > x.maxCell {
				return nil, x.Errorf("attribute %s of <%s> has %d bytes, more than max_cell_bytes=%d", a.Name.Local, t.Name.Local, len(a.Value), x.maxCell)
			}
		}
		parent := &x.root
		if len(x.stack) > 0 {
			parent = &x.stack[len(x.stack)-1]
		}
		x.stack = append(x.stack, xmlFrame{name: t.Name.Local, n: parent.child(t.Name.Local)})
		return t.Copy(), nil
	case xml.EndElement:
		x.closed = true
		return t, nil
	case xml.CharData:
		if len(t) > x.maxCell {
			return nil, x.Errorf("a text of %d bytes, more than max_cell_bytes=%d", len(t), x.maxCell)
		}
		return t.Copy(), nil
	case xml.Directive:
		return nil, x.Errorf("a DTD or directive (%q) in data XML: refused, it could declare entities", excerpt(t, 40))
	default:
		return xml.CopyToken(t), nil
	}
}

// child counts a new child named name and returns its 1-based position
// among its same-named siblings.
func (f *xmlFrame) child(name string) int {
	for i := range f.kids {
		if f.kids[i].name == name {
			f.kids[i].n++
			return f.kids[i].n
		}
	}
	f.kids = append(f.kids, xmlKid{name: name, n: 1})
	return 1
}

// Skip skips the rest of the element whose start tag was just read.
func (x *safeXML) Skip() error {
	for depth := 1; depth > 0; {
		t, err := x.Token()
		if err != nil {
			if err == io.EOF {
				return x.Errorf("truncated XML")
			}
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// Children calls fn for each child element of the element whose start tag
// was just read, up to its end tag; fn reads (or Skips) the child whole.
func (x *safeXML) Children(fn func(xml.StartElement) error) error {
	for {
		t, err := x.Token()
		if err == io.EOF {
			return x.Errorf("truncated XML")
		}
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
		}
	}
}

// maxCellBytes reads the max_cell_bytes parameter.
func maxCellBytes(in extractors.Input) (int, error) {
	n, err := int64Param(in, "max_cell_bytes", DefaultMaxCellBytes)
	return int(min(n, 1<<30)), err
}

// Path is the XPath-like path of the innermost open element, with the
// position of each element among its same-named siblings where it is not
// the only one so far: /GenericData/DataSet/Series[2]/Obs[3].
func (x *safeXML) Path() string {
	var b strings.Builder
	for _, f := range x.stack {
		b.WriteByte('/')
		b.WriteString(f.name)
		if f.n > 1 || f.name == "Series" || f.name == "Obs" || f.name == "Group" {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.n))
			b.WriteByte(']')
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

func (x *safeXML) lineAndPath(line int) string {
	return fmt.Sprintf("line %d, %s", line, x.Path())
}

// Position is the current line and element path, for errors.
func (x *safeXML) Position() string {
	line, _ := x.d.InputPos()
	return x.lineAndPath(line)
}

// Errorf is a FormatError at the current position.
func (x *safeXML) Errorf(format string, args ...any) error {
	return x.in.Errorf(x.Position(), format, args...)
}

// xmlAttr returns the value of the attribute with the local name, whatever
// its namespace, and whether it is there.
func xmlAttr(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}
