package svg

import (
	"fmt"
	"math"
	"slices"

	"github.com/emigre/emigre/internal/numfmt"
)

// Palette: colour-blind safe (Okabe and Ito), with grey for "nothing".
const (
	ColorBar      = "#0072B2" // blue
	ColorNegative = "#D55E00" // vermillion
	ColorWhisker  = "#333333"
	ColorAxis     = "#666666"
	ColorGrid     = "#DDDDDD"
	ColorOK       = "#009E73" // bluish green
	ColorWarn     = "#E69F00" // orange
	ColorFail     = "#D55E00" // vermillion
	ColorNeutral  = "#BBBBBB"
	ColorNone     = "#F2F2F2"
)

// Bar is one bar of a BarChart: a labelled value with its low–high range.
type Bar struct {
	Label     string
	Value     float64
	Low, High float64
	Note      string // shown in the tooltip (method, as of)
}

// PanelWidth is the width of the report's chart panels in pixels (its
// page's 1100 px column less padding): a full-width chart is this wide,
// and the page scales it down on a narrower screen.
const PanelWidth = 1040.0

// BarChart draws horizontal bars, one per item in the order given, from a
// zero line, with a low–high whisker across each bar, value labels at each
// bar's end (over the whisker, on a halo, so they read), and an x axis with
// ticks and the axis label (say the unit: "persons"). It fills the panel.
func BarChart(id, title, desc, axisLabel string, bars []Bar) string {
	const (
		labelW = 150.0
		valueW = 70.0
		plotW  = PanelWidth - labelW - valueW
		rowH   = 22.0
		top    = 10.0
		axisH  = 44.0
	)
	width := labelW + plotW + valueW
	height := top + rowH*float64(max(len(bars), 1)) + axisH
	d := New(id, width, height, title, desc)
	lo, hi := 0.0, 0.0
	for _, b := range bars {
		lo = math.Min(lo, math.Min(b.Value, b.Low))
		hi = math.Max(hi, math.Max(b.Value, b.High))
	}
	// The scale ends where the data ends on the negative side: a round
	// tick far below the smallest whisker would leave the panel's left
	// quarter empty. Room is left there for a negative bar's label.
	ticks := Ticks(lo, hi, 5)
	d0, left := ticks[0], 0.0
	if lo < 0 {
		d0, left = lo-(ticks[len(ticks)-1]-lo)*0.01, negativeLabelW
	}
	ticks = slices.DeleteFunc(ticks, func(t float64) bool { return t < d0 })
	x := Linear{d0, ticks[len(ticks)-1], labelW + left, labelW + plotW}
	plotBottom := top + rowH*float64(max(len(bars), 1))
	d.Group(A("class", "grid"))
	for _, t := range ticks {
		d.Line(x.At(t), top, x.At(t), plotBottom, A("stroke", ColorGrid))
	}
	d.End()
	d.Group(A("class", "bars"))
	for i, b := range bars {
		y := top + rowH*float64(i)
		color := ColorBar
		if b.Value < 0 {
			color = ColorNegative
		}
		d.Text(labelW-6, y+rowH/2+4, "end", b.Label, A("class", "bar-label"))
		tip := fmt.Sprintf("%s: %s (range %s to %s)", b.Label, numfmt.Count(b.Value, false), numfmt.Count(b.Low, false), numfmt.Count(b.High, false))
		if b.Note != "" {
			tip += "; " + b.Note
		}
		d.Rect(x.At(0), y+4, x.At(b.Value)-x.At(0), rowH-8, A("class", "bar", "fill", color), tip)
		if b.Low != b.High {
			wy := y + rowH/2
			d.Group(A("class", "whisker", "stroke", ColorWhisker, "stroke-width", "1.5"))
			d.Line(x.At(b.Low), wy, x.At(b.High), wy, nil)
			d.Line(x.At(b.Low), wy-5, x.At(b.Low), wy+5, nil)
			d.Line(x.At(b.High), wy-5, x.At(b.High), wy+5, nil)
			d.End()
		}
		// The label sits where the bar ends (left of a negative bar), not
		// at the whisker's end: the number is the bar's. A whisker passing
		// there runs behind the label's backing.
		label := numfmt.Count(b.Value, false)
		lw := labelWidth(label, 11)
		lx, anchor, bx := x.At(b.Value)+4, "start", x.At(b.Value)+2
		if b.Value < 0 {
			lx, anchor, bx = x.At(b.Value)-4, "end", x.At(b.Value)-lw-6
		}
		d.Rect(bx, y+rowH/2-6, lw+4, 13, A("class", "bar-value-bg", "fill", "#fff", "fill-opacity", "0.9"), "")
		d.Text(lx, y+rowH/2+4, anchor, label, A("class", "bar-value", "font-size", "11"))
	}
	d.End()
	axis(d, x, ticks, plotBottom, axisLabel)
	return d.String()
}

// labelWidth estimates the width of a number's label in pixels at a font
// size (digits and separators of a sans-serif font are about 0.6 em).
func labelWidth(label string, size float64) float64 {
	return float64(len([]rune(label))) * size * 0.6
}

// negativeLabelW is the room left of the scale for a negative bar's label.
const negativeLabelW = 50.0

// axis draws the x axis under a plot: the line, ticks with short labels
// and the axis label centred below.
func axis(d *Doc, x Linear, ticks []float64, y float64, label string) {
	d.Group(A("class", "x-axis", "fill", ColorAxis))
	d.Line(x.R0, y, x.R1, y, A("stroke", ColorAxis))
	for _, t := range ticks {
		d.Line(x.At(t), y, x.At(t), y+4, A("stroke", ColorAxis))
		d.Text(x.At(t), y+16, "middle", numfmt.Count(t, true), A("class", "tick"))
	}
	d.Text((x.R0+x.R1)/2, y+34, "middle", label, A("class", "axis-label"))
	d.End()
}

// Point is one point of a LineChart.
type Point struct {
	Label     string // x-axis label (2023)
	Value     float64
	Low, High float64
}

// LineChart draws values over equally spaced labelled points with a shaded
// low–high band, a y axis with ticks, and axis labels.
func LineChart(id, title, desc, xLabel, yLabel string, pts []Point) string {
	const (
		left   = 80.0
		right  = 30.0
		top    = 16.0
		plotW  = PanelWidth - left - right
		plotH  = 220.0
		bottom = 50.0
	)
	d := New(id, left+plotW+right, top+plotH+bottom, title, desc)
	lo, hi := 0.0, 0.0
	for _, p := range pts {
		lo = math.Min(lo, math.Min(p.Value, p.Low))
		hi = math.Max(hi, math.Max(p.Value, p.High))
	}
	ticks := Ticks(lo, hi, 5)
	y := Linear{ticks[0], ticks[len(ticks)-1], top + plotH, top}
	step := plotW / float64(max(len(pts), 1))
	xAt := func(i int) float64 { return left + step*(float64(i)+0.5) }
	d.Group(A("class", "y-axis", "fill", ColorAxis))
	for _, t := range ticks {
		d.Line(left, y.At(t), left+plotW, y.At(t), A("stroke", ColorGrid))
		d.Text(left-6, y.At(t)+4, "end", numfmt.Count(t, true), A("class", "tick"))
	}
	d.Text(14, top+plotH/2, "middle", yLabel, A("class", "axis-label", "transform",
		fmt.Sprintf("rotate(-90 14 %s)", num(top+plotH/2))))
	d.End()
	if len(pts) > 0 {
		var band [][2]float64
		for i, p := range pts {
			band = append(band, [2]float64{xAt(i), y.At(p.High)})
		}
		for i := len(pts) - 1; i >= 0; i-- {
			band = append(band, [2]float64{xAt(i), y.At(pts[i].Low)})
		}
		d.Polygon(band, A("class", "band", "fill", ColorBar, "fill-opacity", "0.15"))
		var line [][2]float64
		for i, p := range pts {
			line = append(line, [2]float64{xAt(i), y.At(p.Value)})
		}
		d.Polyline(line, A("class", "line", "stroke", ColorBar, "stroke-width", "2"))
		for i, p := range pts {
			d.Circle(xAt(i), y.At(p.Value), 4, A("class", "point", "fill", ColorBar),
				fmt.Sprintf("%s: %s (range %s to %s)", p.Label, numfmt.Count(p.Value, false), numfmt.Count(p.Low, false), numfmt.Count(p.High, false)))
			d.Text(xAt(i), y.At(p.Value)-9, "middle", numfmt.Count(p.Value, true), A("class", "point-value", "font-size", "11"))
		}
	}
	d.Group(A("class", "x-axis", "fill", ColorAxis))
	d.Line(left, top+plotH, left+plotW, top+plotH, A("stroke", ColorAxis))
	for i, p := range pts {
		d.Text(xAt(i), top+plotH+16, "middle", p.Label, A("class", "tick"))
	}
	d.Text(left+plotW/2, top+plotH+38, "middle", xLabel, A("class", "axis-label"))
	d.End()
	return d.String()
}

// Sparkline draws a small line of values (oldest first) with the last
// value marked; title says what it shows.
func Sparkline(title string, values []float64) string {
	const w, h, pad = 120.0, 28.0, 3.0
	d := New("", w, h, title, "")
	if len(values) == 0 {
		return d.String()
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	y := Linear{lo, hi, h - pad, pad}
	x := Linear{0, float64(max(len(values)-1, 1)), pad, w - pad}
	var pts [][2]float64
	for i, v := range values {
		pts = append(pts, [2]float64{x.At(float64(i)), y.At(v)})
	}
	if len(values) > 1 {
		d.Polyline(pts, A("class", "spark", "stroke", ColorBar, "stroke-width", "1.5"))
	}
	last := pts[len(pts)-1]
	d.Circle(last[0], last[1], 2.5, A("class", "spark-last", "fill", ColorBar), numfmt.Count(values[len(values)-1], false))
	return d.String()
}

// Cell is one cell of a Grid: its colour and tooltip.
type Cell struct {
	Color string
	Title string
}

// Grid draws rows × columns of coloured cells with row labels on the left
// and column labels on top (drawn slanted). Its legend is a Legend drawn
// before it, so it is read first.
func Grid(id, title, desc string, rows, cols []string, cells [][]Cell) string {
	const (
		labelW = 290.0
		cellW  = 22.0
		cellH  = 16.0
		headH  = 70.0
	)
	width := labelW + cellW*float64(max(len(cols), 1)) + 20
	height := headH + cellH*float64(len(rows)) + 8
	d := New(id, width, height, title, desc)
	d.Group(A("class", "col-labels", "fill", ColorAxis, "font-size", "10"))
	for j, c := range cols {
		cx := labelW + cellW*float64(j) + cellW/2
		d.Text(cx, headH-6, "start", c, A("transform", fmt.Sprintf("rotate(-45 %s %s)", num(cx), num(headH-6))))
	}
	d.End()
	for i, r := range rows {
		y := headH + cellH*float64(i)
		d.Text(labelW-6, y+cellH-4, "end", r, A("class", "row-label", "font-size", "11"))
		for j := range cols {
			c := Cell{Color: ColorNone}
			if i < len(cells) && j < len(cells[i]) && cells[i][j].Color != "" {
				c = cells[i][j]
			}
			d.Rect(labelW+cellW*float64(j)+1, y+1, cellW-2, cellH-2, A("class", "cell", "fill", c.Color), c.Title)
		}
	}
	return d.String()
}

// Legend draws colour swatches in a row, each with what it means.
func Legend(id, title string, items [][2]string) string {
	const itemW, h = 130.0, 22.0
	d := New(id, itemW*float64(max(len(items), 1)), h, title, "")
	d.Group(A("class", "legend", "font-size", "11"))
	for k, l := range items {
		lx := itemW * float64(k)
		d.Rect(lx+1, 5, 12, 12, A("class", "swatch", "fill", l[0]), "")
		d.Text(lx+17, 15, "start", l[1], nil)
	}
	d.End()
	return d.String()
}
