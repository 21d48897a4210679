package pipeline

import (
	"context"
	"log/slog"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/quality"
	"github.com/emigre/emigre/report"
)

// checkQuality runs the data-quality checks over what buildRun loaded, in
// the run's transaction, so the checks land with the run or not at all.
func checkQuality(ctx context.Context, tx *load.Tx, opt Options, sum *Summary, run *load.Run) error {
	in := quality.Input{
		RunID: run.ID, Sample: run.Sample, Origin: opt.Estimate.Origin, WindowStart: opt.Estimate.WindowStart,
		Now: sum.Started, Parsed: map[string][]extractors.Observation{},
	}
	for _, o := range sum.Outcomes {
		if o.Status == load.SourceNotConfigured || o.Status == load.SourceNotArchived {
			continue // not fetched: nothing to check
		}
		in.Sources = append(in.Sources, o.Source)
		if o.obs != nil {
			in.Parsed[o.Source.ID] = o.obs
		}
	}
	checks, err := quality.Run(ctx, tx, in, opt.Quality)
	if err != nil {
		return err
	}
	sum.Checks = checks
	return nil
}

// writeReports writes the published run's report (HTML, JSON, Markdown)
// into the reports folder beside the warehouse. The run is published
// already: a report that cannot be written is logged, never a failed run.
func writeReports(ctx context.Context, opt Options, sum *Summary) []string {
	begun := time.Now()
	r, err := report.Load(ctx, opt.Warehouse, report.Options{RunID: sum.RunID, Now: opt.Now})
	if err != nil {
		slog.ErrorContext(ctx, "run published, but its report could not be built", "run", sum.RunID, "error", err)
		return nil
	}
	paths, err := report.WriteFiles(report.Dir(opt.Warehouse), r)
	if err != nil {
		slog.ErrorContext(ctx, "run published, but its report could not be written", "run", sum.RunID, "error", err)
	}
	if len(paths) > 0 {
		slog.InfoContext(ctx, "wrote run report", "run", sum.RunID, "html", paths[0],
			"duration", time.Since(begun).Round(time.Millisecond))
	}
	return paths
}
