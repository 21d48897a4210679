package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/extractors/fetch"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/transform"
)

// Run does one refresh and publishes it. The returned error is for the run
// as a whole (nothing published); per-source failures are in the summary.
func Run(ctx context.Context, opt Options) (*Summary, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Catalogue == nil {
		c, err := catalogue.Default()
		if err != nil {
			return nil, err
		}
		opt.Catalogue = c
	}
	if opt.Sources == nil {
		opt.Sources = opt.Catalogue.Sources()
	}
	if len(opt.Sources) == 0 {
		return nil, errNoSources
	}
	opt.Estimate = estimateOptions(opt.Estimate, described(opt), opt.Catalogue.Sums())
	arch, archName, sample, err := openArchive(opt)
	if err != nil {
		return nil, err
	}
	started := opt.Now().UTC()
	sum := &Summary{
		RunID:       started.Format("20060102T150405.000Z"),
		Started:     started,
		Mode:        load.ModeLive,
		Sample:      sample,
		WindowStart: opt.Estimate.WindowStart,
		Warehouse:   opt.Warehouse,
		Archive:     archName,
	}
	if opt.Offline {
		sum.Mode = load.ModeOffline
	}
	slog.Info("run starting", "run", sum.RunID, "mode", sum.Mode, "sources", len(opt.Sources), "archive", archName)

	opening := openRunLogAsync(ctx, opt.Warehouse)
	defer opening.abandon(ctx)
	sum.Outcomes = collect(ctx, opt, arch)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("run %s abandoned before publishing: %w", sum.RunID, err)
	}
	run := load.Run{
		ID: sum.RunID, StartedAt: started, Mode: sum.Mode, Archive: archName, Sample: sample,
		Origin: opt.Estimate.Origin, WindowStart: opt.Estimate.WindowStart, EmigreVersion: opt.Version,
	}
	// buildRun fills the run's counts and status; Publish inserts the run
	// after it, in the same transaction.
	run.Status = load.RunOK
	run.CatalogueDigest = catalogueDigest(opt)
	switch err := logUnchanged(ctx, opt, sum, &run, opening); {
	case err == nil:
		sum.Finished = opt.Now().UTC()
		return sum, nil
	case !errors.Is(err, load.ErrPublishInFull):
		return nil, err
	default:
		slog.DebugContext(ctx, "publishing in full", "run", run.ID, "because", err)
	}
	if err := load.Publish(ctx, opt.Warehouse, &run, func(ctx context.Context, tx *load.Tx) error {
		return buildRun(ctx, tx, opt, sum, &run)
	}); err != nil {
		return nil, err
	}
	sum.Finished = opt.Now().UTC()
	sum.Reports = writeReports(ctx, opt, sum)
	return sum, nil
}

// buildRun writes the run inside the publishing transaction: catalogue,
// snapshots, observations (as vintages), per-source outcomes, and the
// estimate over everything the warehouse now holds.
func buildRun(ctx context.Context, tx *load.Tx, opt Options, sum *Summary, run *load.Run) error {
	var rows []load.SourceRow
	for _, s := range described(opt) {
		rows = append(rows, sourceRow(s))
	}
	if err := load.UpsertSources(ctx, tx, rows); err != nil {
		return err
	}
	var gaps []load.GapRow
	for _, g := range opt.Catalogue.Gaps() {
		gaps = append(gaps, load.GapRow{Country: g.Country, Reason: g.Reason, Evidence: g.Evidence, Checked: g.Checked})
	}
	if err := load.ReplaceGaps(ctx, tx, gaps); err != nil {
		return err
	}
	// The destinations each source published before this run: what a
	// multi-country source's answer is expected to hold again.
	published, err := load.PublishedDestinations(ctx, tx, opt.Estimate.Origin)
	if err != nil {
		return err
	}
	// Every parsed source's observations merge in one set of statements.
	parsed := map[string][]extractors.Observation{}
	for _, o := range sum.Outcomes {
		if o.Err == nil {
			parsed[o.Source.ID] = o.obs
		}
	}
	merged, invalid, err := load.MergeSources(ctx, tx, run.ID, parsed)
	if err != nil {
		// Not a source's data but the database: the run fails whole and
		// the published warehouse stays as it was.
		return err
	}
	snaps, outcomes := recordOutcomes(opt, sum, published, merged, invalid)
	if err := load.InsertSnapshots(ctx, tx, run.ID, snaps); err != nil {
		return err
	}
	if err := load.InsertRunSources(ctx, tx, run.ID, outcomes); err != nil {
		return err
	}
	// The bulk of the run is loaded: let DuckDB write it out before the
	// estimates and checks add theirs (peak memory, not atomicity: the
	// working file is published whole or not at all).
	if err := tx.Checkpoint(ctx); err != nil {
		return err
	}
	current, err := load.CurrentObservations(ctx, tx)
	if err != nil {
		return err
	}
	if err := estimate(ctx, tx, opt, sum, run.ID, current); err != nil {
		return err
	}
	if err := checkQuality(ctx, tx, opt, sum, run); err != nil {
		return err
	}
	if opt.AfterLoad != nil {
		if err := opt.AfterLoad(ctx, tx, sum); err != nil {
			return err
		}
	}
	tally(sum, run)
	return nil
}

// tally fills the run's counts and status from the summary.
func tally(sum *Summary, run *load.Run) {
	run.SourcesAttempted, run.SourcesLoaded = sum.Attempted, sum.Loaded
	run.SourcesFailed, run.SourcesUnchanged = sum.Failed, sum.Unchanged
	switch {
	case sum.Attempted > 0 && sum.Failed == sum.Attempted:
		run.Status = load.RunFailed
	case sum.Failed > 0:
		run.Status = load.RunPartial
	}
}

// recordOutcomes settles each source's outcome from the merge (merged:
// its counts; invalid: refused at the load stage), splits it into series
// and counts it in the summary. It returns the run's snapshot and
// run_sources rows. published are the destinations each source's current
// observations gave figures for before the run.
func recordOutcomes(opt Options, sum *Summary, published map[string][]string, merged map[string]load.MergeStats,
	invalid map[string]error) ([]load.SnapshotRow, []load.RunSourceRow) {
	var snaps []load.SnapshotRow
	var outcomes []load.RunSourceRow
	for i := range sum.Outcomes {
		o := &sum.Outcomes[i]
		var merge *load.MergeStats
		if err := invalid[o.Source.ID]; err != nil {
			o.Status, o.Stage, o.Err = load.SourceFailed, load.StageLoad, err
			slog.Error("source failed", "source", o.Source.ID, "stage", o.Stage, "error", err)
		} else if ms, ok := merged[o.Source.ID]; ok && o.Err == nil {
			o.Inserted = ms.Inserted + ms.Revised
			merge = &ms
			if o.Inserted == 0 {
				o.Status = load.SourceUnchanged
			}
		}
		for _, r := range o.Responses {
			snaps = append(snaps, snapshotRow(o.Source.ID, r))
		}
		status := o.Status
		if o.Err != nil && status != load.SourceNotConfigured && status != load.SourceNotArchived {
			status = load.SourceFailed
		}
		o.Series = seriesOf(o, opt.Estimate.Origin, published[o.Source.ID], merge)
		for _, s := range o.Series {
			if s.Status == load.SourceAbsent {
				slog.Warn("destination absent from the source's answer", "source", o.Source.ID, "destination", s.Destination)
			}
		}
		outcomes = append(outcomes, seriesRows(o, o.Series)...)
		sum.Rows += o.Rows
		switch status {
		case load.SourceNotConfigured:
			sum.NotConfigured++
			continue
		case load.SourceNotArchived:
			sum.NotArchived++
			continue
		case load.SourceOK:
			sum.Loaded++
		case load.SourceUnchanged:
			sum.Unchanged++
		default:
			sum.Failed++
		}
		sum.Attempted++
	}
	return snaps, outcomes
}

// described is every source the warehouse describes: the catalogue's, and
// any source the run was given that the catalogue does not hold (a test's,
// a tool's).
func described(opt Options) []*extractors.Source {
	out := opt.Catalogue.Sources()
	for _, s := range opt.Sources {
		if _, err := opt.Catalogue.Source(s.ID); err != nil {
			out = append(out, s)
		}
	}
	return out
}

func snapshotRow(sourceID string, r fetch.Response) load.SnapshotRow {
	prov := ""
	if r.Entry.Provenance != nil {
		b, _ := json.Marshal(r.Entry.Provenance)
		prov = string(b)
	}
	return load.SnapshotRow{SHA256: r.Entry.SHA256, SourceID: sourceID, URL: r.Request.URL,
		Method: r.Request.MethodOrGet(), FetchedAt: r.Entry.FetchedAt, Size: r.Entry.Size,
		ContentType: r.Entry.Header["Content-Type"], Provenance: prov, Sample: r.Entry.Sample()}
}

// estimateOptions fills the estimate's per-source settings from the
// catalogue: priorities (a multi-country source's per destination where
// they differ), pro-rating opt-ins, what each statement counts (its
// entry: kind, flow, since, earlier figures) and the parts of sums of
// gross components (sums.yaml). Observations carry the measure and dates
// only; the rest of what a figure means is the catalogue's, handed over
// here.
func estimateOptions(o transform.Options, catalogue []*extractors.Source, sums []extractors.ComponentSum) transform.Options {
	if o.Priority == nil {
		o.Priority = map[string]int{}
	}
	if o.ProRate == nil {
		o.ProRate = map[string]bool{}
	}
	if o.DestinationPriority == nil {
		o.DestinationPriority = map[string]map[string]int{}
	}
	if o.Statements == nil {
		o.Statements = map[string]*extractors.StatementEntry{}
	}
	if o.Components == nil {
		o.Components = map[string]map[string]string{}
	}
	for _, s := range sums {
		parts := map[string]string{}
		for _, c := range s.Components {
			for _, id := range c.Sources {
				parts[id] = c.Name
			}
		}
		o.Components[s.Destination] = parts
	}
	for _, s := range catalogue {
		if s.Priority != 0 {
			o.Priority[s.ID] = s.Priority
		}
		for dest, n := range s.PerDestination {
			if o.DestinationPriority[s.ID] == nil {
				o.DestinationPriority[s.ID] = map[string]int{}
			}
			o.DestinationPriority[s.ID][dest] = n.Priority
		}
		if s.ProRate {
			o.ProRate[s.ID] = true
		}
		if s.Statement != nil {
			o.Statements[s.ID] = s.Statement
		}
	}
	if o.Origin == "" {
		o.Origin = "RU"
	}
	if o.WindowStart.IsZero() {
		o.WindowStart = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return o
}

func estimateRows(ests []transform.Estimate) ([]load.EstimateRow, []load.EstimateMethodRow) {
	var rows []load.EstimateRow
	var methods []load.EstimateMethodRow
	for _, e := range ests {
		r := e.Result
		rows = append(rows, load.EstimateRow{
			Destination: e.Destination, Citizenship: e.Citizenship, Method: string(r.Method),
			SourceID: r.SourceID, Metric: string(r.Metric), Arrivals: r.Arrivals, Returns: r.Returns,
			Net: r.Net, Low: e.Low, High: e.High, AsOf: r.AsOf, PeriodStart: r.PeriodStart,
			Baseline: r.Baseline, BaselineDate: r.BaselineDate, Flags: r.Flags, NetExcess: r.NetExcess,
			InTotal: r.InTotal,
		})
		for _, a := range e.Alternatives {
			methods = append(methods, load.EstimateMethodRow{
				Destination: e.Destination, Citizenship: e.Citizenship, Method: string(a.Method),
				SourceID: a.SourceID, Metric: string(a.Metric), Arrivals: a.Arrivals, Returns: a.Returns,
				Net: a.Net, AsOf: a.AsOf, PeriodStart: a.PeriodStart, Flags: a.Flags,
				Chosen: a.Method == r.Method && a.SourceID == r.SourceID, InTotal: a.InTotal,
			})
		}
	}
	return rows, methods
}

// estimate computes the estimate over every current observation and the
// same as of each reference date (transform.Series), and writes them with
// the parts of any sum of gross components. The report reads these rows;
// it never recomputes them.
func estimate(ctx context.Context, tx *load.Tx, opt Options, sum *Summary, runID string, current []extractors.Observation) error {
	sum.Estimates = transform.Estimates(current, opt.Estimate)
	sum.Total = transform.Totals(sum.Estimates)
	est, methods := estimateRows(sum.Estimates)
	if err := load.InsertEstimates(ctx, tx, runID, est); err != nil {
		return err
	}
	if err := load.InsertEstimateMethods(ctx, tx, runID, methods); err != nil {
		return err
	}
	if err := load.InsertEstimateComponents(ctx, tx, runID, componentRows(sum.Estimates)); err != nil {
		return err
	}
	series, totals := estimateSeriesRows(transform.Series(current, opt.Estimate))
	if err := load.InsertEstimateSeries(ctx, tx, runID, series); err != nil {
		return err
	}
	return load.InsertEstimateTotalSeries(ctx, tx, runID, totals)
}

// componentRows are the parts of each destination's sum of gross
// components, whether or not the sum is the chosen result.
func componentRows(ests []transform.Estimate) []load.EstimateComponentRow {
	var rows []load.EstimateComponentRow
	for _, e := range ests {
		for _, a := range e.Alternatives {
			for _, c := range a.Components {
				rows = append(rows, load.EstimateComponentRow{
					Destination: e.Destination, Citizenship: e.Citizenship, Component: c.Name,
					SourceID: strings.Join(c.SourceIDs, ","), Metric: string(c.Metric), Value: c.Value,
					PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Gap: c.Gap,
				})
			}
		}
	}
	return rows
}

// estimateSeriesRows are the rows of estimate_series and estimate_total_series.
func estimateSeriesRows(series []transform.At) ([]load.EstimateSeriesRow, []load.EstimateTotalSeriesRow) {
	var rows []load.EstimateSeriesRow
	var totals []load.EstimateTotalSeriesRow
	for _, at := range series {
		for _, e := range at.Estimates {
			rows = append(rows, load.EstimateSeriesRow{
				Destination: e.Destination, Citizenship: e.Citizenship, RefDate: at.RefDate, Net: e.Net,
				Low: e.Low, High: e.High, Method: string(e.Method), AsOf: e.AsOf, InTotal: e.InTotal,
				Flags: e.Flags, SourceID: e.SourceID,
			})
		}
		t := at.Total
		totals = append(totals, load.EstimateTotalSeriesRow{
			Citizenship: t.Citizenship, RefDate: at.RefDate, Net: t.Net, Low: t.Low, High: t.High,
			NotInTotal: t.NotInTotal, Countries: t.Countries, CountriesNotInTotal: t.CountriesNotInTotal,
		})
	}
	return rows, totals
}
