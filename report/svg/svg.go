// Package svg writes the report's charts as inline SVG: a small writer of
// elements with escaping, linear scales with round ticks, and the four
// charts the report draws (bars with whiskers, a line over time, a
// sparkline, a state grid). Every chart carries a <title> and <desc> so it
// reads without the picture, axis labels with units, and one <title> per
// mark so hovering shows the number.
//
// The output uses presentation attributes only (no CSS, no scripts, no
// fonts beyond the generic family), so a chart is correct on its own, in an
// e-mail attachment and offline.
package svg

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Doc is an SVG document under construction.
type Doc struct {
	b    strings.Builder
	w, h float64
	open []string // elements opened with Group, to close
}

// New starts a document of w×h user units (pixels at 100% zoom) with an
// accessible title and description; id, when not empty, is the root's id.
func New(id string, w, h float64, title, desc string) *Doc {
	d := &Doc{w: w, h: h}
	d.b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg"`)
	if id != "" {
		d.attr("id", id)
	}
	fmt.Fprintf(&d.b, ` width="%s" height="%s" viewBox="0 0 %s %s" role="img" font-family="sans-serif" font-size="12">`,
		num(w), num(h), num(w), num(h))
	d.elem("title", nil, title)
	if desc != "" {
		d.elem("desc", nil, desc)
	}
	return d
}

// Attrs are an element's attributes, written in the order given.
type Attrs [][2]string

// A is a shorthand for building Attrs from name, value pairs.
func A(kv ...string) Attrs {
	var out Attrs
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, [2]string{kv[i], kv[i+1]})
	}
	return out
}

func (d *Doc) attr(name, value string) {
	d.b.WriteString(" " + name + `="` + html.EscapeString(value) + `"`)
}

// elem writes <name attrs>text</name>, or <name attrs/> when text is empty.
func (d *Doc) elem(name string, attrs Attrs, text string) {
	d.b.WriteString("<" + name)
	for _, a := range attrs {
		d.attr(a[0], a[1])
	}
	if text == "" {
		d.b.WriteString("/>")
		return
	}
	d.b.WriteString(">" + html.EscapeString(text) + "</" + name + ">")
}

// withTitle writes an element with a <title> child (a tooltip).
func (d *Doc) withTitle(name string, attrs Attrs, title string) {
	if title == "" {
		d.elem(name, attrs, "")
		return
	}
	d.b.WriteString("<" + name)
	for _, a := range attrs {
		d.attr(a[0], a[1])
	}
	d.b.WriteString(">")
	d.elem("title", nil, title)
	d.b.WriteString("</" + name + ">")
}

// Rect draws a rectangle; a negative width or height is drawn from the
// other side, so callers can pass scaled differences as they come.
func (d *Doc) Rect(x, y, w, h float64, attrs Attrs, title string) {
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	d.withTitle("rect", append(A("x", num(x), "y", num(y), "width", num(w), "height", num(h)), attrs...), title)
}

// Line draws a line.
func (d *Doc) Line(x1, y1, x2, y2 float64, attrs Attrs) {
	d.elem("line", append(A("x1", num(x1), "y1", num(y1), "x2", num(x2), "y2", num(y2)), attrs...), "")
}

// Circle draws a circle.
func (d *Doc) Circle(cx, cy, r float64, attrs Attrs, title string) {
	d.withTitle("circle", append(A("cx", num(cx), "cy", num(cy), "r", num(r)), attrs...), title)
}

// Polyline draws connected points.
func (d *Doc) Polyline(pts [][2]float64, attrs Attrs) {
	var s []string
	for _, p := range pts {
		s = append(s, num(p[0])+","+num(p[1]))
	}
	d.elem("polyline", append(A("points", strings.Join(s, " "), "fill", "none"), attrs...), "")
}

// Polygon draws a closed, filled shape.
func (d *Doc) Polygon(pts [][2]float64, attrs Attrs) {
	var s []string
	for _, p := range pts {
		s = append(s, num(p[0])+","+num(p[1]))
	}
	d.elem("polygon", append(A("points", strings.Join(s, " ")), attrs...), "")
}

// Text writes text at (x, y); anchor is start, middle or end.
func (d *Doc) Text(x, y float64, anchor, text string, attrs Attrs) {
	d.elem("text", append(A("x", num(x), "y", num(y), "text-anchor", anchor), attrs...), text)
}

// Group opens a <g>; End closes it.
func (d *Doc) Group(attrs Attrs) {
	d.b.WriteString("<g")
	for _, a := range attrs {
		d.attr(a[0], a[1])
	}
	d.b.WriteString(">")
	d.open = append(d.open, "g")
}

// End closes the last Group.
func (d *Doc) End() {
	if n := len(d.open); n > 0 {
		d.b.WriteString("</" + d.open[n-1] + ">")
		d.open = d.open[:n-1]
	}
}

// String closes any open group and the document and returns the SVG.
func (d *Doc) String() string {
	for len(d.open) > 0 {
		d.End()
	}
	return d.b.String() + "</svg>"
}

// num writes a coordinate with at most two decimals.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0 // never write NaN into an attribute: a chart must still parse
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
