package report

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/emigre/emigre/internal/iso3166"
	"github.com/emigre/emigre/internal/numfmt"
	"github.com/emigre/emigre/internal/seriesstate"
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
	"opt":        optCount,
	"id":         unbrokenDates,
	"time":       func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"join":       strings.Join,
	"lookReason": lookReason,
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

// datesInText are the dates and numbered parts of an id (2024-08).
var datesInText = regexp.MustCompile(`\d+(?:-\d+)+`)

// unbrokenDates is text as HTML in which a line never breaks inside a date
// (am-statement-2024-08 may break at its other hyphens).
func unbrokenDates(text string) template.HTML {
	return template.HTML(datesInText.ReplaceAllStringFunc(template.HTMLEscapeString(text), func(d string) string {
		return `<span class="date">` + d + `</span>`
	}))
}

// countryRow is a row of the countries table.
type countryRow struct {
	E     Estimate
	Spark template.HTML
	// The series' metric and its first and last dates (From empty: no
	// series; To empty: one point), shown under the sparkline.
	Metric, From, To string
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
		R                    *Report
		Heading              string
		Passes, Warns, Fails int
		BarChart, LineChart  template.HTML
		HealthLegend         template.HTML
		HealthGroups         []healthGroup
		HealthLine           string
		HealthSentence       string
		NeedLook             []HealthSource
		ProblemGroups        []problemGroup
		Countries            []countryRow
		NoSource, NoData     []Gap
	}{R: r, Heading: heading(r), Passes: pass, Warns: warn, Fails: fail,
		BarChart: template.HTML(NetChart(r)), LineChart: template.HTML(TotalChart(r)),
		HealthLegend: template.HTML(svg.Legend("health-legend", "What the colours of the source health grids mean", healthLegend)),
		HealthGroups: healthGroups(r), ProblemGroups: problemGroups(r.Checks.Problems),
		HealthLine: HealthLine(r), HealthSentence: healthSentence(r), NeedLook: needLook(r)}
	for _, e := range r.Estimates {
		data.Countries = append(data.Countries, countryRowOf(e))
	}
	// The chart ranks the countries; the table is for looking one up.
	slices.SortFunc(data.Countries, func(a, b countryRow) int { return strings.Compare(a.E.Destination, b.E.Destination) })
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

// countryRowOf is a country's row: its estimate and the sparkline of the
// series behind it.
func countryRowOf(e Estimate) countryRow {
	var vs []float64
	for _, p := range e.Series {
		vs = append(vs, p.Value)
	}
	row := countryRow{E: e}
	row.Metric, _, _ = strings.Cut(e.Metric, ",")
	label := "no series"
	switch n := len(e.Series); {
	case n == 1:
		row.From = e.Series[0].Date
		label = fmt.Sprintf("%s, %s", row.Metric, row.From)
	case n > 1:
		row.From, row.To = e.Series[0].Date, e.Series[n-1].Date
		label = fmt.Sprintf("%s, %s to %s", row.Metric, row.From, row.To)
	}
	row.Spark = template.HTML(svg.Sparkline(e.Country+": "+label, vs))
	return row
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
		pts = append(pts, svg.Point{Label: p.Label, Value: p.Net, Low: p.Low, High: p.High})
	}
	return svg.LineChart("chart-total", "Total net arrivals as of each year end and the latest date",
		"The total as the run computed it from the data available at each year end and at the newest date, with the low-high range as a band.",
		"reference date (data whose period ended by then)", "persons", pts)
}

// healthLegend says what the health grids' colours mean.
var healthLegend = [][2]string{{svg.ColorOK, "ok / checks pass"}, {svg.ColorNeutral, "unchanged"},
	{svg.ColorWarn, "absent from the answer / checks warn"}, {svg.ColorFail, "failed / checks fail"}, {svg.ColorNone, "not attempted"}}

// healthGroup is the series (a source's figures for one destination) in
// one state as of the reported run, with the grid of their recent runs.
type healthGroup struct {
	Title   string
	Open    bool // shown unfolded: the groups that need someone
	Sources []HealthSource
	Grid    template.HTML
}

// stateGroupTitles say what each state's group holds.
var stateGroupTitles = map[string]string{
	"stale":          "stale: a period the publication calendar says is out (past the grace period) is missing, or the country is gone from the answer",
	"failing":        "failing: several runs in a row failed",
	"broken":         "broken: fetched, but no longer read",
	"dead-link":      "dead link: the statement's page is gone",
	"unknown":        "unknown: never succeeded yet",
	"not-configured": "not configured: a live run lacks a credential the source needs",
	"not-archived":   "not archived: the replayed archive has no answer for it (a live run fetches it)",
	"":               "not judged by any run yet",
}

// healthGroups groups the series by their state as of the reported run, in
// the order every view counts states (those that need someone first, open);
// ok series whose attempt failed in this run, or whose checks failed or
// warned, come before the other ok ones, which are folded away.
func healthGroups(r *Report) []healthGroup {
	byState := map[string][]HealthSource{}
	var okLook, okQuiet []HealthSource
	for _, s := range r.Health.Sources {
		switch {
		case s.State == "ok" && needsLook(s):
			okLook = append(okLook, s)
		case s.State == "ok":
			okQuiet = append(okQuiet, s)
		default:
			byState[s.State] = append(byState[s.State], s)
		}
	}
	var out []healthGroup
	add := func(title string, open bool, sources []HealthSource) {
		if len(sources) > 0 {
			out = append(out, healthGroup{Title: title, Open: open, Sources: sources,
				Grid: template.HTML(HealthGrid(r, title, sources))})
		}
	}
	for _, st := range append(slices.Clone(seriesstate.Order), "") {
		if st == "ok" {
			add("ok, but this run's attempt failed or its checks failed or warned", true, okLook)
			continue
		}
		title, ok := stateGroupTitles[st]
		if !ok {
			title = st
		}
		add(title, st != "not-configured" && st != "not-archived" && st != "", byState[st])
		delete(byState, st)
	}
	for _, st := range slices.Sorted(maps.Keys(byState)) { // states of a newer emigre
		add(st, true, byState[st])
	}
	add("ok: publishing on time, loaded (or unchanged) and passed their checks", false, okQuiet)
	return out
}

// needsLook reports whether an ok series still deserves a look: its
// attempt in the reported run failed or found it absent, or its source's
// checks failed or warned.
func needsLook(s HealthSource) bool {
	last := ""
	if n := len(s.States); n > 0 {
		last = s.States[n-1]
	}
	return last == "failed" || last == "absent" || s.Quality == "fail" || s.Quality == "warn"
}

// needLook are the series every rendering lists: those not ok, and the ok
// ones whose attempt failed in the reported run.
func needLook(r *Report) []HealthSource {
	var out []HealthSource
	for _, s := range r.Health.Sources {
		last := ""
		if n := len(s.States); n > 0 {
			last = s.States[n-1]
		}
		if s.State != "ok" || last == "failed" || last == "absent" {
			out = append(out, s)
		}
	}
	return out
}

// lookReason says why a listed series is listed.
func lookReason(s HealthSource) string {
	switch {
	case s.State == "":
		return "not judged by any run yet"
	case s.StateReason != "":
		return s.StateReason
	}
	return s.LastError
}

// HealthLine is the report's one line of health, as emigre run ends with:
// the series by state and the checks failed and warned.
func HealthLine(r *Report) string {
	_, warn, fail := checkTotals(r)
	return fmt.Sprintf("Health: series %s; checks %d failed, %d warned.", r.Health.Summary, fail, warn)
}

// healthSentence opens the source health section: how many series, by
// state, as of when.
func healthSentence(r *Report) string {
	s := fmt.Sprintf("%d series (a source's figures for one destination): %s", len(r.Health.Sources), r.Health.Summary)
	if h := r.Health; h.JudgedFrom != "" {
		span := h.JudgedTo
		if h.JudgedFrom != h.JudgedTo {
			span = h.JudgedFrom + " to " + h.JudgedTo
		}
		s += ", each judged as of when its source's answer was fetched (" + span + ")"
	}
	return s + "; emigre status shows the same states, with why."
}

// HealthGrid is the series × run grid of some series (a series: one
// source's figures for one destination), coloured by state, with a last
// column for the worst check outcome of the reported run.
func HealthGrid(r *Report, title string, sources []HealthSource) string {
	var cols []string
	for _, h := range r.Health.Runs {
		cols = append(cols, h.StartedAt.Format("01-02 15:04"))
	}
	cols = append(cols, "checks")
	var rows []string
	var cells [][]svg.Cell
	stateColor := map[string]string{"ok": svg.ColorOK, "unchanged": svg.ColorNeutral, "failed": svg.ColorFail, "absent": svg.ColorWarn}
	checkColor := map[string]string{"pass": svg.ColorOK, "warn": svg.ColorWarn, "fail": svg.ColorFail}
	for _, s := range sources {
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
	return svg.Grid("", "Source health: "+title,
		fmt.Sprintf("%d series (a source's figures for one destination) by %d runs, coloured by the series' state in each run.", len(rows), len(r.Health.Runs)),
		rows, cols, cells)
}

// problemGroup is the checks that warned or failed alike: one check, one
// outcome, one cause (the summary with its figures left out).
type problemGroup struct {
	Check, Outcome, Cause string
	Problems              []Problem
}

// figures are the numbers and dates of a check's summary: what differs
// between sources with the same cause.
var figures = regexp.MustCompile(`\d+(?:[.,:-]\d+)*`)

// problemGroups groups the failed and warned checks by check, outcome and
// cause: failures first, then the largest groups.
func problemGroups(problems []Problem) []problemGroup {
	var out []problemGroup
	index := map[string]int{}
	for _, p := range problems {
		cause := figures.ReplaceAllString(p.Summary, "…")
		key := p.Outcome + "\x00" + p.Check + "\x00" + cause
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, problemGroup{Check: p.Check, Outcome: p.Outcome, Cause: cause})
		}
		out[i].Problems = append(out[i].Problems, p)
	}
	rank := map[string]int{"fail": 0, "warn": 1}
	slices.SortStableFunc(out, func(a, b problemGroup) int {
		if c := rank[a.Outcome] - rank[b.Outcome]; c != 0 {
			return c
		}
		if c := len(b.Problems) - len(a.Problems); c != 0 {
			return c
		}
		return strings.Compare(a.Check, b.Check)
	})
	return out
}
