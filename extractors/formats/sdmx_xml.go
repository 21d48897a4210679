package formats

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// The "sdmx-ml" reader reads SDMX-ML 2.1 data messages: GenericData and
// GenericTimeSeriesData, StructureSpecificData and
// StructureSpecificTimeSeriesData, with series or flat (dimensionAtObservation
// AllDimensions), and cross-sectional ones where the observation dimension
// is not time (its value may come as the Obs element's xsi:type, as with
// explicit measures). Groups only carry attributes and are skipped. An
// SDMX error message (code 100, "No Results Found") fails with its text.
// Parameters: those of every SDMX reader (sdmx.go), max_xml_depth and
// max_cell_bytes (xmlsafe.go), and measure, the primary measure's id in
// structure-specific messages (default OBS_VALUE).
type sdmxMLReader struct{}

func (sdmxMLReader) Format() string { return SDMXML }

func (sdmxMLReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	data, err := sdmxBody(in)
	if err != nil {
		return err
	}
	w := &sdmxXMLWalker{in: in, data: data, measure: in.Param("measure", "OBS_VALUE")}
	return sdmxRead(ctx, in, w.walk, w.position, emit)
}

// sdmxBody reads a whole message, gunzipped when it is gzip, within the
// input's limits.
func sdmxBody(in extractors.Input) ([]byte, error) {
	r, err := contentReader(in, DefaultMaxBytes, DefaultMaxUnzippedBytes)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		var fe *extractors.FormatError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: reading body: %w", in.Name, err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, in.Errorf("", "empty body")
	}
	return data, nil
}

const (
	sdmx21Message = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
	xsiNamespace  = "http://www.w3.org/2001/XMLSchema-instance"
)

// sdmxXMLWalker decodes one SDMX-ML message; walk may run any number of
// times over the same bytes.
type sdmxXMLWalker struct {
	in      extractors.Input
	data    []byte
	measure string
	x       *safeXML
}

func (w *sdmxXMLWalker) position() string {
	if w.x == nil {
		return ""
	}
	return w.x.Position()
}

// sdmxXMLState is what one walk keeps while it descends.
type sdmxXMLState struct {
	generic  bool
	atObs    map[string]string // structureID -> dimensionAtObservation
	names    map[string]string // structureID -> the dataflow or structure it refers to
	action   string            // the header's DataSetAction
	sets     []sdmxSet
	obs      sdmxObs
	series   []sdmxField // the current series' key and attributes
	fn       func(*sdmxObs) error
	dimAtObs string // of the current data set
}

func (w *sdmxXMLWalker) walk(fn func(*sdmxObs) error) ([]sdmxSet, error) {
	x, err := newSafeXML(w.in, bytes.NewReader(w.data))
	if err != nil {
		return nil, err
	}
	w.x = x
	root, err := w.root()
	if err != nil {
		return nil, err
	}
	s := &sdmxXMLState{atObs: map[string]string{}, names: map[string]string{}, fn: fn}
	switch root.Name.Local {
	case "GenericData", "GenericTimeSeriesData":
		s.generic = true
	case "StructureSpecificData", "StructureSpecificTimeSeriesData":
	default:
		return nil, w.notData(root)
	}
	if root.Name.Space != sdmx21Message {
		return nil, x.Errorf("an SDMX-ML message in namespace %q: this reader reads SDMX-ML 2.1 (request the data in 2.1, e.g. Accept: application/vnd.sdmx.genericdata+xml;version=2.1)", root.Name.Space)
	}
	for {
		t, err := x.Token()
		if err == io.EOF {
			return s.sets, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Header":
			if err := w.header(s); err != nil {
				return nil, err
			}
		case "DataSet":
			if err := w.dataSet(s, se); err != nil {
				return nil, err
			}
		default:
			if err := x.Skip(); err != nil {
				return nil, err
			}
		}
	}
}

// root returns the document element, telling markup that is not SDMX
// (an HTML error page) from SDMX that is not data.
func (w *sdmxXMLWalker) root() (xml.StartElement, error) {
	head := w.data[:min(len(w.data), 512)]
	if looksLikeHTML(head) {
		return xml.StartElement{}, notWantedHTML(w.in, bytes.NewReader(w.data), "an SDMX-ML message")
	}
	if t := bytes.TrimSpace(head); len(t) > 0 && t[0] != '<' {
		return xml.StartElement{}, w.in.Errorf("byte 0", "not XML: the body starts with %q", excerpt(t, 60))
	}
	for {
		t, err := w.x.Token()
		if err == io.EOF {
			return xml.StartElement{}, w.in.Errorf("", "an XML document without an element")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		if se, ok := t.(xml.StartElement); ok {
			if strings.EqualFold(se.Name.Local, "html") {
				return se, notWantedHTML(w.in, bytes.NewReader(w.data), "an SDMX-ML message")
			}
			return se, nil
		}
	}
}

// notData says what a message that is not a data message is.
func (w *sdmxXMLWalker) notData(root xml.StartElement) error {
	switch root.Name.Local {
	case "Error":
		code, text := w.errorMessage()
		return w.x.Errorf("the SDMX service answered with an error (code %s): %s", code, text)
	case "Structure":
		return w.x.Errorf("an SDMX structure message (data structure, codelists), not data")
	case "CompactData", "CrossSectionalData", "UtilityData":
		return w.x.Errorf("SDMX-ML 2.0 %s: this reader reads SDMX-ML 2.1 data", root.Name.Local)
	}
	return w.x.Errorf("not an SDMX-ML data message: the document is <%s>", root.Name.Local)
}

// errorMessage reads the code and text of an SDMX error message.
func (w *sdmxXMLWalker) errorMessage() (code, text string) {
	var texts []string
	for {
		t, err := w.x.Token()
		if err != nil {
			break
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local == "ErrorMessage" {
				code, _ = xmlAttr(t, "code")
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(t)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	return code, strings.Join(texts, "; ")
}

// header reads the Structure elements: which dimension is at the
// observation level for each structureID, and what it refers to.
func (w *sdmxXMLWalker) header(s *sdmxXMLState) error {
	var structure string
	for depth := 1; depth > 0; {
		t, err := w.x.Token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "Structure":
				if id, ok := xmlAttr(t, "structureID"); ok {
					structure = id
					s.atObs[id], _ = xmlAttr(t, "dimensionAtObservation")
				}
			case "Ref":
				if id, ok := xmlAttr(t, "id"); ok && structure != "" && s.names[structure] == "" {
					agency, _ := xmlAttr(t, "agencyID")
					version, _ := xmlAttr(t, "version")
					s.names[structure] = sdmxRefName(agency, id, version)
				}
			case "URN", "DataSetAction":
				text, err := w.text()
				if err != nil {
					return err
				}
				depth--
				if t.Name.Local == "DataSetAction" {
					s.action = text
				} else if structure != "" && s.names[structure] == "" {
					if _, after, ok := strings.Cut(text, "="); ok {
						s.names[structure] = after
					}
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

func sdmxRefName(agency, id, version string) string {
	name := id
	if agency != "" {
		name = agency + ":" + name
	}
	if version != "" {
		name += "(" + version + ")"
	}
	return name
}

// text reads the text of the element just opened, up to its end.
func (w *sdmxXMLWalker) text() (string, error) {
	var b strings.Builder
	for {
		t, err := w.x.Token()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			if err := w.x.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return strings.TrimSpace(b.String()), nil
		}
	}
}

// sdmxSetAttrsSkipped are attributes of a structure-specific DataSet
// element that belong to the message, not to the data.
var sdmxSetAttrsSkipped = map[string]bool{
	"structureRef": true, "dataScope": true, "action": true, "setID": true, "validFromDate": true,
	"validToDate": true, "publicationYear": true, "publicationPeriod": true, "reportingBeginDate": true,
	"reportingEndDate": true, "type": true, "schemaLocation": true,
}

func (w *sdmxXMLWalker) dataSet(s *sdmxXMLState, se xml.StartElement) error {
	ref, _ := xmlAttr(se, "structureRef")
	set := sdmxSet{name: s.names[ref], action: s.action}
	if set.name == "" {
		set.name = ref
	}
	if a, ok := xmlAttr(se, "action"); ok {
		set.action = a
	}
	s.dimAtObs = s.atObs[ref]
	if s.dimAtObs == "" {
		s.dimAtObs = "TIME_PERIOD"
	}
	if !s.generic {
		for _, a := range se.Attr {
			if a.Name.Space == "" && !sdmxSetAttrsSkipped[a.Name.Local] {
				set.attrs = append(set.attrs, sdmxField{id: a.Name.Local, value: a.Value, kind: sdmxAttr})
			}
		}
	}
	s.sets = append(s.sets, set)
	if sdmxDeletes(set.action) {
		return w.x.Skip() // its observations delete, they carry no values
	}
	i := len(s.sets) - 1
	s.obs.set = i
	s.series = s.series[:0]
	return w.x.Children(func(e xml.StartElement) error {
		var err error
		switch {
		case e.Name.Local == "Series":
			return w.series(s, e)
		case e.Name.Local == "Obs":
			s.series = s.series[:0]
			return w.obs(s, e)
		case e.Name.Local == "Attributes" && s.generic:
			s.sets[i].attrs, err = w.appendValues(s.sets[i].attrs, sdmxAttr)
			return err
		}
		return w.x.Skip() // Group, Annotations, DataProvider
	})
}

// series reads a Series element and its observations.
func (w *sdmxXMLWalker) series(s *sdmxXMLState, se xml.StartElement) error {
	s.series = s.series[:0]
	if !s.generic {
		s.series = appendSSFields(s.series, se, "")
	}
	return w.x.Children(func(e xml.StartElement) error {
		var err error
		switch e.Name.Local {
		case "SeriesKey":
			s.series, err = w.appendValues(s.series, sdmxDim)
		case "Attributes":
			s.series, err = w.appendValues(s.series, sdmxAttr)
		case "Obs":
			err = w.obs(s, e)
		default:
			err = w.x.Skip()
		}
		return err
	})
}

// appendSSFields appends the components a structure-specific element
// carries as XML attributes (those without a namespace), leaving out the
// measure.
func appendSSFields(fields []sdmxField, se xml.StartElement, measure string) []sdmxField {
	for _, a := range se.Attr {
		if a.Name.Space == "" && a.Name.Local != measure {
			fields = append(fields, sdmxField{id: a.Name.Local, value: a.Value})
		}
	}
	return fields
}

// obs reads one Obs element and hands the observation on.
func (w *sdmxXMLWalker) obs(s *sdmxXMLState, se xml.StartElement) error {
	o := &s.obs
	o.fields = append(o.fields[:0], s.series...)
	o.value = ""
	if s.generic {
		err := w.x.Children(func(e xml.StartElement) error {
			var err error
			switch e.Name.Local {
			case "ObsDimension":
				id, ok := xmlAttr(e, "id")
				if !ok {
					id = s.dimAtObs
				}
				if id == "AllDimensions" {
					return w.x.Errorf("an ObsDimension in a flat data set (dimensionAtObservation=AllDimensions): want an ObsKey")
				}
				v, _ := xmlAttr(e, "value")
				o.fields = append(o.fields, sdmxField{id: id, value: v, kind: sdmxDim})
				err = w.x.Skip()
			case "ObsKey":
				o.fields, err = w.appendValues(o.fields, sdmxDim)
			case "ObsValue":
				o.value, _ = xmlAttr(e, "value")
				err = w.x.Skip()
			case "Attributes":
				o.fields, err = w.appendValues(o.fields, sdmxAttr)
			default:
				err = w.x.Skip()
			}
			return err
		})
		if err != nil {
			return err
		}
		return s.fn(o)
	}
	o.value, _ = xmlAttr(se, w.measure)
	o.fields = appendSSFields(o.fields, se, w.measure)
	if s.dimAtObs != "AllDimensions" && s.dimAtObs != "TIME_PERIOD" {
		// Cross-sectional with explicit measures: the observation
		// dimension's code is the Obs element's type.
		if _, has := xmlAttr(se, s.dimAtObs); !has {
			for _, a := range se.Attr {
				if a.Name.Space == xsiNamespace && a.Name.Local == "type" {
					code := a.Value
					if _, local, ok := strings.Cut(code, ":"); ok {
						code = local
					}
					o.fields = append(o.fields, sdmxField{id: s.dimAtObs, value: code, kind: sdmxDim})
				}
			}
		}
	}
	if err := w.x.Skip(); err != nil {
		return err
	}
	return s.fn(o)
}

// appendValues appends the Value children (id, value) of a SeriesKey,
// ObsKey or Attributes element to fields.
func (w *sdmxXMLWalker) appendValues(fields []sdmxField, kind sdmxKind) ([]sdmxField, error) {
	err := w.x.Children(func(e xml.StartElement) error {
		if e.Name.Local == "Value" {
			id, _ := xmlAttr(e, "id")
			v, _ := xmlAttr(e, "value")
			if id == "" {
				return w.x.Errorf("a Value without an id")
			}
			fields = append(fields, sdmxField{id: id, value: v, kind: kind})
		}
		return w.x.Skip()
	})
	return fields, err
}
