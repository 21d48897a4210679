package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/emigre/emigre/internal/iso3166"
	"github.com/emigre/emigre/internal/numfmt"
	"github.com/emigre/emigre/report/svg"
)

// Formats are the renderings Write knows.
var Formats = []string{"html", "json", "md"}

// Write renders r in format (html, json or md) to w.
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "html":
		return WriteHTML(w, r, nil)
	case "json":
		return WriteJSON(w, r)
	case "md", "markdown":
		return WriteMarkdown(w, r)
	}
	return fmt.Errorf("report format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// WriteJSON writes the machine rendering: the Report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report JSON: %w", err)
	}
	return nil
}

//go:embed report.html.tmpl
var htmlTemplate string

//go:embed dashboard.html.tmpl
var dashboardTemplate string

var funcs = template.FuncMap{
	"count": func(v float64) string { return numfmt.Count(v, false) },
	"num": func(v *float64) string {
		if v == nil {
			return "-"
		}
		if *v == float64(int64(*v)) {
			return numfmt.Count(*v, false)
		}
		return fmt.Sprintf("%.2f", *v)
	},
	"opt":  optCount,
	"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"join": strings.Join,
}

var pages = template.Must(template.New("report").Funcs(funcs).Parse(htmlTemplate + dashboardTemplate))

// Link is an entry of a page's navigation bar.
type Link struct{ Href, Text string }

// Page is a whole HTML page: the report's or a dashboard page.
type Page struct {
	Title        string
	Nav          []Link
	Sample       bool
	SampleNotice string
	Body         template.HTML
}

// WritePage writes a self-contained HTML page around body.
func WritePage(w io.Writer, p Page) error {
	if err := pages.ExecuteTemplate(w, "page", p); err != nil {
		return fmt.Errorf("write page %q: %w", p.Title, err)
	}
	return nil
}

// countryRow is a row of the countries table.
type countryRow struct {
	E          Estimate
	Spark      template.HTML
	SparkLabel string
}

// WriteHTML writes the report as one self-contained HTML page; nav, when
// given, adds a navigation bar (the dashboard's).
func WriteHTML(w io.Writer, r *Report, nav []Link) error {
	body, err := reportBody(r)
	if err != nil {
		return err
	}
	return WritePage(w, Page{Title: heading(r), Nav: nav, Sample: r.Sample, SampleNotice: r.SampleNotice, Body: body})
}

func heading(r *Report) string {
	return fmt.Sprintf("Citizens of %s who moved abroad since %s, net of returns", iso3166.Name(r.Run.Origin), r.Run.WindowStart)
}

// reportBody renders the report's sections.
func reportBody(r *Report) (template.HTML, error) {
	pass, warn, fail := checkTotals(r)
	data := struct {
		R                         *Report
		Heading                   string
		Passes, Warns, Fails      int
		BarChart, LineChart, Grid template.HTML
		Countries                 []countryRow
		NoSource, NoData          []Gap
	}{R: r, Heading: heading(r), Passes: pass, Warns: warn, Fails: fail,
		BarChart: template.HTML(NetChart(r)), LineChart: template.HTML(TotalChart(r)), Grid: template.HTML(HealthGrid(r))}
	for _, e := range r.Estimates {
		var vs []float64
		for _, p := range e.Series {
			vs = append(vs, p.Value)
		}
		metric, _, _ := strings.Cut(e.Metric, ",")
		label := "no series"
		switch n := len(e.Series); {
		case n == 1:
			label = fmt.Sprintf("%s, %s", metric, e.Series[0].Date)
		case n > 1:
			label = fmt.Sprintf("%s, %s to %s", metric, e.Series[0].Date, e.Series[n-1].Date)
		}
		data.Countries = append(data.Countries, countryRow{E: e, SparkLabel: label,
			Spark: template.HTML(svg.Sparkline(e.Country+": "+label, vs))})
	}
	for _, g := range r.Gaps {
		if g.Kind == "no_source" {
			data.NoSource = append(data.NoSource, g)
		} else {
			data.NoData = append(data.NoData, g)
		}
	}
	var b strings.Builder
	if err := pages.ExecuteTemplate(&b, "report", data); err != nil {
		return "", fmt.Errorf("render report of run %s: %w", r.Run.ID, err)
	}
	return template.HTML(b.String()), nil
}

// NetChart is the bar chart of net arrivals by country, largest first,
// with low–high whiskers.
func NetChart(r *Report) string {
	var bars []svg.Bar
	for _, e := range r.Estimates {
		bars = append(bars, svg.Bar{Label: e.Country, Value: e.Net, Low: e.Low, High: e.High,
			Note: fmt.Sprintf("%s, as of %s", e.Method, e.AsOf)})
	}
	return svg.BarChart("chart-net", "Net arrivals by country since "+r.Run.WindowStart,
		fmt.Sprintf("Horizontal bars of net arrivals for %d countries, largest first, with low-high whiskers.", len(bars)),
		"persons (net arrivals since "+r.Run.WindowStart+")", bars)
}

// TotalChart is the total as of each year end, with its low–high band.
func TotalChart(r *Report) string {
	var pts []svg.Point
	for _, p := range r.TotalOverTime {
		pts = append(pts, svg.Point{Label: "end " + p.AsOf[:4], Value: p.Net, Low: p.Low, High: p.High})
	}
	return svg.LineChart("chart-total", "Total net arrivals as of each year end",
		"The estimated total recomputed from the data available for each year end, with the low-high range as a band.",
		"year end (data whose period ended by then)", "persons", pts)
}

// HealthGrid is the series × run grid coloured by state (a series: one
// source's figures for one destination), with a last column for the worst
// check outcome of the reported run.
func HealthGrid(r *Report) string {
	var cols []string
	for _, h := range r.Health.Runs {
		cols = append(cols, h.StartedAt.Format("01-02 15:04"))
	}
	cols = append(cols, "checks")
	var rows []string
	var cells [][]svg.Cell
	stateColor := map[string]string{"ok": svg.ColorOK, "unchanged": svg.ColorNeutral, "failed": svg.ColorFail, "absent": svg.ColorWarn}
	checkColor := map[string]string{"pass": svg.ColorOK, "warn": svg.ColorWarn, "fail": svg.ColorFail}
	for _, s := range r.Health.Sources {
		rows = append(rows, s.Destination+"  "+s.ID)
		var row []svg.Cell
		for i, st := range s.States {
			title := fmt.Sprintf("%s, run %s: %s", s.ID, r.Health.Runs[i].ID, st)
			if st == "" {
				title = fmt.Sprintf("%s, run %s: not attempted", s.ID, r.Health.Runs[i].ID)
			}
			if (st == "failed" || st == "absent") && r.Health.Runs[i].ID == r.Run.ID && s.LastError != "" {
				title += ": " + s.LastError
			}
			row = append(row, svg.Cell{Color: stateColor[st], Title: title})
		}
		q := s.Quality
		if q == "" {
			q = "not checked"
		}
		row = append(row, svg.Cell{Color: checkColor[s.Quality], Title: fmt.Sprintf("%s: checks %s", s.ID, q)})
		cells = append(cells, row)
	}
	return svg.Grid("chart-health", "Source health over recent runs",
		fmt.Sprintf("%d series (a source's figures for one destination) by %d runs, coloured by the series' state in each run.", len(rows), len(r.Health.Runs)),
		rows, cols, cells, [][2]string{{svg.ColorOK, "ok / pass"}, {svg.ColorNeutral, "unchanged"},
			{svg.ColorWarn, "absent from the answer / checks warn"}, {svg.ColorFail, "failed / fail"}, {svg.ColorNone, "not attempted"}})
}
