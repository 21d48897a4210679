package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/emigre/emigre/internal/numfmt"
)

// mdSubjects bounds the sources Markdown names per group of failed or
// warned checks: chat messages stay readable; the HTML and JSON have them
// all, with their figures.
const mdSubjects = 12

// WriteMarkdown writes the report for chat and pull requests.
func WriteMarkdown(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	if r.Sample {
		p("> **%s**\n\n", r.SampleNotice)
	}
	p("# %s\n\n", heading(r))
	p("Run `%s` (%s, %s), started %s: %d sources attempted, %d loaded, %d unchanged, %d failed.\n\n",
		r.Run.ID, r.Run.Mode, r.Run.Status, r.Run.StartedAt.Format("2006-01-02 15:04 UTC"),
		r.Run.SourcesAttempted, r.Run.SourcesLoaded, r.Run.SourcesUnchanged, r.Run.SourcesFailed)
	p("%s\n\n", HealthLine(r))
	if r.NoEstimate != "" {
		p("**%s**\n\n", r.NoEstimate)
	} else {
		p("**Total: %s** net arrivals (range %s – %s) in %d countries, data as of %s to %s.\n\n",
			numfmt.Count(r.Total.Net, false), numfmt.Count(r.Total.Low, false), numfmt.Count(r.Total.High, false),
			r.Total.Countries, r.Total.OldestAsOf, r.Total.AsOf)
		p("What it counts: %s\n\n", r.Total.Summary)
		writeCountriesMarkdown(p, r)
	}
	if len(r.TotalOverTime) > 0 {
		p("\n## Total over time\n\n| as of | net | low | high | countries | not in total |\n|---|--:|--:|--:|--:|--:|\n")
		for _, t := range r.TotalOverTime {
			p("| %s | %s | %s | %s | %d | %s |\n", t.Label, numfmt.Count(t.Net, false), numfmt.Count(t.Low, false),
				numfmt.Count(t.High, false), t.Countries, numfmt.Count(t.NotInTotal, false))
		}
	}

	p("\n## Data-quality checks\n\n| check | pass | warn | fail |\n|---|--:|--:|--:|\n")
	for _, c := range r.Checks.ByCheck {
		p("| %s | %d | %d | %d |\n", c.Check, c.Pass, c.Warn, c.Fail)
	}
	if groups := problemGroups(r.Checks.Problems); len(groups) > 0 {
		p("\nFailed or warned, by check and cause:\n\n")
		for _, g := range groups {
			p("- **%d %s** %s: %s\n", len(g.Problems), g.Outcome, g.Check, g.Cause)
			var subjects []string
			for _, pr := range g.Problems {
				subject := pr.SourceID
				if subject == "" {
					subject = pr.Destination
				}
				subjects = append(subjects, "`"+subject+"`")
			}
			if len(subjects) > mdSubjects {
				subjects = append(subjects[:mdSubjects], fmt.Sprintf("and %d more (see the HTML or JSON report)", len(subjects)-mdSubjects))
			}
			p("  - %s\n", strings.Join(subjects, ", "))
		}
	}

	p("\n## Revisions\n\n")
	if len(r.Revisions) == 0 {
		p("No published number changed since the last vintage.\n")
	} else {
		p("| source | series | period | old | new |\n|---|---|---|--:|--:|\n")
		for _, v := range r.Revisions {
			p("| `%s` | %s %s | %s | %s | %s |\n", v.SourceID, v.Destination, v.Metric, v.Period, optCount(v.Old), optCount(v.New))
		}
	}

	p("\n## Source health\n\n%s\n\n", healthSentence(r))
	for _, s := range needLook(r) {
		p("- `%s` %s **%s**: %s\n", s.ID, s.Destination, s.State, lookReason(s))
	}

	p("\n## Countries with no source\n\n")
	listed := false
	for _, g := range r.Gaps {
		if g.Kind == "no_source" {
			p("- **%s** (%s): %s\n", g.Name, g.Country, g.Reason)
			listed = true
		}
	}
	if !listed {
		p("The catalogue marks no country as lacking a source.\n")
	}
	for _, g := range r.Gaps {
		if g.Kind == "no_data" {
			p("- **%s** (%s): %s (%s)\n", g.Name, g.Country, g.Reason, strings.Join(g.Sources, ", "))
		}
	}
	p("\n_Generated %s by emigre %s; schema `%s`._\n", r.GeneratedAt.Format("2006-01-02 15:04 UTC"), r.Run.Version, r.Schema)
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write report Markdown: %w", err)
	}
	return nil
}

// writeCountriesMarkdown is the table of net arrivals by country.
func writeCountriesMarkdown(p func(string, ...any), r *Report) {
	p("## Net arrivals by country\n\n| country | net | low | high | in total | method | as of | source |\n|---|--:|--:|--:|---|---|---|---|\n")
	for _, e := range r.Estimates {
		method := e.Method
		if len(e.Flags) > 0 {
			method += " (" + strings.Join(e.Flags, ", ") + ")"
		}
		source := "`" + e.SourceID + "`"
		if len(e.ThirdParty) > 0 {
			source += " (third-party copy: " + strings.Join(e.ThirdParty, ", ") + ")"
		}
		p("| %s (%s) | %s | %s | %s | %s | %s | %s | %s |\n", e.Country, e.Destination, numfmt.Count(e.Net, false),
			numfmt.Count(e.Low, false), numfmt.Count(e.High, false), yesNo(e.InTotal), method, e.AsOf, source)
	}
	for _, e := range r.Estimates {
		if len(e.Components) == 0 {
			continue
		}
		p("\n%s (%s) is a sum of gross components:\n\n", e.Country, e.Destination)
		for _, c := range e.Components {
			p("- %s: %s (%s to %s, `%s`)\n", c.Name, numfmt.Count(c.Value, false), c.PeriodStart, c.PeriodEnd, c.SourceID)
		}
	}
}

func optCount(v *float64) string {
	if v == nil {
		return "missing"
	}
	return numfmt.Count(*v, false)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
