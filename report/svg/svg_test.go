package svg

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// element is a parsed SVG element: its name, attributes and direct text.
type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parse checks that s is well-formed XML and returns its elements in
// document order.
func parse(t *testing.T, s string) []element {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var out []element
	var stack []int
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			e := element{name: x.Name.Local, attrs: map[string]string{}}
			for _, a := range x.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].text += string(x)
			}
		}
	}
	if len(out) == 0 || out[0].name != "svg" {
		t.Fatalf("root is not <svg>: %s", s)
	}
	return out
}

func withClass(els []element, class string) []element {
	var out []element
	for _, e := range els {
		if e.attrs["class"] == class {
			out = append(out, e)
		}
	}
	return out
}

func texts(els []element) string {
	var b strings.Builder
	for _, e := range els {
		if e.name == "text" || e.name == "title" || e.name == "desc" {
			b.WriteString(e.text + "\n")
		}
	}
	return b.String()
}

func f(t *testing.T, e element, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attrs[attr], 64)
	if err != nil {
		t.Fatalf("%s %s=%q: %v", e.name, attr, e.attrs[attr], err)
	}
	return v
}

func TestEscaping(t *testing.T) {
	d := New("x", 10, 10, `a <b> & "c"`, "")
	d.Text(0, 0, "start", "Côte d'Ivoire <script>", nil)
	els := parse(t, d.String())
	if got := texts(els); !strings.Contains(got, `a <b> & "c"`) || !strings.Contains(got, "Côte d'Ivoire <script>") {
		t.Errorf("text did not survive escaping: %q", got)
	}
	for _, e := range els {
		if e.name == "script" {
			t.Error("a label became an element")
		}
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
	}{
		{0, 80000, 5}, {-3019, 56783, 5}, {0, 1, 4}, {5, 5, 5}, {-10, -2, 3}, {0, 385558, 5},
	} {
		ts := Ticks(tc.lo, tc.hi, tc.n)
		if ts[0] > tc.lo || ts[len(ts)-1] < tc.hi {
			t.Errorf("Ticks(%v, %v) = %v does not cover the range", tc.lo, tc.hi, ts)
		}
		step := ts[1] - ts[0]
		mant := step / math.Pow(10, math.Floor(math.Log10(step)))
		if math.Abs(mant-1) > 1e-9 && math.Abs(mant-2) > 1e-9 && math.Abs(mant-5) > 1e-9 {
			t.Errorf("Ticks(%v, %v) step %v is not 1, 2 or 5 times a power of ten", tc.lo, tc.hi, step)
		}
		for i := 1; i < len(ts); i++ {
			if math.Abs(ts[i]-ts[i-1]-step) > step*1e-9 {
				t.Errorf("Ticks(%v, %v) = %v: uneven", tc.lo, tc.hi, ts)
			}
		}
		if len(ts)-1 > 2*tc.n+1 {
			t.Errorf("Ticks(%v, %v, %d) = %v: too many", tc.lo, tc.hi, tc.n, ts)
		}
	}
}

func TestBarChart(t *testing.T) {
	bars := []Bar{
		{Label: "Kazakhstan", Value: 80000, Low: 80000, High: 80000},
		{Label: "Germany", Value: 34546, Low: 10740, High: 56783, Note: "stock_change"},
		{Label: "Norway", Value: -1306, Low: -3019, High: 1863},
	}
	els := parse(t, BarChart("net", "Net arrivals", "desc", "persons (net arrivals since 2022-01-01)", bars))
	rects := withClass(els, "bar")
	if len(rects) != len(bars) {
		t.Fatalf("%d bars drawn, want %d", len(rects), len(bars))
	}
	// Bars are proportional to their values and start at the zero line.
	zero := f(t, rects[0], "x")
	kz, de := f(t, rects[0], "width"), f(t, rects[1], "width")
	if math.Abs(kz/de-80000.0/34546) > 0.01 {
		t.Errorf("bar widths %v and %v are not in proportion 80000:34546", kz, de)
	}
	if f(t, rects[1], "x") != zero {
		t.Errorf("a positive bar does not start at zero")
	}
	no := rects[2]
	if got := f(t, no, "x") + f(t, no, "width"); math.Abs(got-zero) > 0.01 {
		t.Errorf("the negative bar ends at %v, not at the zero line %v", got, zero)
	}
	if no.attrs["fill"] != ColorNegative {
		t.Errorf("a negative bar is %s, want %s", no.attrs["fill"], ColorNegative)
	}
	// Whiskers only where low and high differ: Germany and Norway.
	if n := len(withClass(els, "whisker")); n != 2 {
		t.Errorf("%d whiskers, want 2", n)
	}
	all := texts(els)
	for _, want := range []string{"Kazakhstan", "80,000", "-1,306", "persons (net arrivals since 2022-01-01)", "Germany: 34,546 (range 10,740 to 56,783); stock_change"} {
		if !strings.Contains(all, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if n := len(withClass(els, "tick")); n < 3 {
		t.Errorf("%d tick labels on the axis", n)
	}
}

func TestLineChart(t *testing.T) {
	pts := []Point{{"2022", 100000, 90000, 120000}, {"2023", 250000, 200000, 300000}, {"2024", 311755, 279097, 385558}}
	els := parse(t, LineChart("total", "Total", "d", "year end", "persons", pts))
	circles := withClass(els, "point")
	if len(circles) != 3 {
		t.Fatalf("%d points, want 3", len(circles))
	}
	// Higher values sit higher (smaller y).
	if !(f(t, circles[0], "cy") > f(t, circles[1], "cy") && f(t, circles[1], "cy") > f(t, circles[2], "cy")) {
		t.Error("points do not rise with the values")
	}
	if len(withClass(els, "band")) != 1 || len(withClass(els, "line")) != 1 {
		t.Error("the band or the line is missing")
	}
	all := texts(els)
	for _, want := range []string{"2022", "2024", "year end", "persons", "2024: 311,755 (range 279,097 to 385,558)"} {
		if !strings.Contains(all, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestSparkline(t *testing.T) {
	els := parse(t, Sparkline("DE resident_stock", []float64{10, 20, 15, 40}))
	line := withClass(els, "spark")
	if len(line) != 1 || len(strings.Fields(line[0].attrs["points"])) != 4 {
		t.Fatalf("sparkline: %+v", line)
	}
	last := withClass(els, "spark-last")
	if len(last) != 1 || f(t, last[0], "cy") > 4 {
		t.Errorf("the last, highest value is not marked at the top: %+v", last)
	}
	// One value: a dot, no line; no value: still a valid document.
	if els := parse(t, Sparkline("one", []float64{5})); len(withClass(els, "spark")) != 0 || len(withClass(els, "spark-last")) != 1 {
		t.Error("a single value is not drawn as a dot")
	}
	parse(t, Sparkline("none", nil))
}

func TestGrid(t *testing.T) {
	cells := [][]Cell{{{Color: ColorOK, Title: "ok"}, {Color: ColorFail, Title: "failed: HTTP 404"}}, {{Color: ColorOK}}}
	els := parse(t, Grid("health", "Health", "d", []string{"de-a", "fi-b"}, []string{"run 1", "run 2"}, cells))
	got := withClass(els, "cell")
	if len(got) != 4 {
		t.Fatalf("%d cells, want 2×2", len(got))
	}
	if got[1].attrs["fill"] != ColorFail || got[3].attrs["fill"] != ColorNone {
		t.Errorf("cell colours %s %s: a missing cell must be drawn empty", got[1].attrs["fill"], got[3].attrs["fill"])
	}
	if !strings.Contains(texts(els), "failed: HTTP 404") {
		t.Error("a cell's tooltip is missing")
	}
}

func TestLegend(t *testing.T) {
	els := parse(t, Legend("legend", "What the colours mean", [][2]string{{ColorOK, "ok"}, {ColorFail, "failed"}}))
	swatches := withClass(els, "swatch")
	if len(swatches) != 2 || swatches[1].attrs["fill"] != ColorFail {
		t.Fatalf("swatches %+v", swatches)
	}
	if got := texts(els); !strings.Contains(got, "ok\n") || !strings.Contains(got, "failed\n") {
		t.Errorf("legend texts %q", got)
	}
}

// A bar's value label sits at the end of its bar (left of a negative one),
// not at the end of its whisker: Türkiye's 96,000 is printed at 96,000, not
// at the 145,715 its range reaches. The chart is as wide as the panel.
func TestBarChartLabelsAtTheBarsEnd(t *testing.T) {
	bars := []Bar{
		{Label: "Türkiye", Value: 96000, Low: 96000, High: 145715},
		{Label: "Germany", Value: 34546, Low: 10740, High: 56783},
		{Label: "Norway", Value: -1306, Low: -3019, High: 1863},
	}
	els := parse(t, BarChart("net", "Net arrivals", "desc", "persons", bars))
	if w := f(t, els[0], "width"); w != PanelWidth {
		t.Errorf("chart width %v, want the panel's %v", w, PanelWidth)
	}
	rects, labels := withClass(els, "bar"), withClass(els, "bar-value")
	if len(labels) != len(bars) {
		t.Fatalf("%d value labels, want %d", len(labels), len(bars))
	}
	for i, b := range bars {
		x := f(t, labels[i], "x")
		end := f(t, rects[i], "x") + f(t, rects[i], "width")
		if b.Value < 0 {
			end = f(t, rects[i], "x")
			if labels[i].attrs["text-anchor"] != "end" {
				t.Errorf("%s: a negative bar's label is not right-aligned to its end", b.Label)
			}
		}
		if math.Abs(x-end) > 6 {
			t.Errorf("%s: label at x=%v, the bar ends at %v", b.Label, x, end)
		}
	}
}
