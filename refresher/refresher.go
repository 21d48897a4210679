// Package refresher wires the pipeline into package schedules: the refresh
// the schedule's daemon, Monitor.Refresh and `emigre run` run is the
// pipeline over the given sources, with the monitor's judging of every
// series inside the run's publishing transaction. Package schedules knows a
// run only as schedules.Run, so it imports neither the pipeline nor the
// fetcher; this package, above both, describes one to the other.
package refresher

import (
	"context"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/schedules"
)

// Pipeline is the refresh the schedule's daemon and monitor run: the
// pipeline over the given sources with opt, the monitor's judging as its
// AfterLoad (after opt's own, when set). It keeps the run's summary in
// *sum when sum is not nil.
func Pipeline(opt pipeline.Options, sum **pipeline.Summary) schedules.Refresher {
	return func(ctx context.Context, sources []*extractors.Source, judge schedules.JudgeRun) error {
		o := opt
		o.Sources = sources
		chained := opt.AfterLoad
		o.AfterLoad = func(ctx context.Context, tx *load.Tx, s *pipeline.Summary) error {
			if chained != nil {
				if err := chained(ctx, tx, s); err != nil {
					return err
				}
			}
			return judge(ctx, tx, RunOf(s))
		}
		s, err := pipeline.Run(ctx, o)
		if sum != nil {
			*sum = s
		}
		return err
	}
}

// RunOf describes a run's summary as package schedules reads it: one
// attempt per series, so that a multi-country source's destinations are
// judged, and alerted on, each on its own.
func RunOf(s *pipeline.Summary) schedules.Run {
	run := schedules.Run{ID: s.RunID, Started: s.Started, Mode: s.Mode, Sample: s.Sample,
		Attempted: s.Attempted, Loaded: s.Loaded, Unchanged: s.Unchanged, Failed: s.Failed}
	for _, o := range s.Outcomes {
		var fetched time.Time
		for _, r := range o.Responses {
			if r.Entry.FetchedAt.After(fetched) {
				fetched = r.Entry.FetchedAt
			}
		}
		series := o.Series
		if len(series) == 0 { // a run that never split the source (it did not reach the load)
			series = []pipeline.Series{{Destination: o.Source.Destination, Status: o.Status, Rows: o.Rows}}
		}
		for _, sr := range series {
			a := schedules.Attempt{Source: o.Source, Destination: sr.Destination, Status: sr.Status, Stage: o.Stage,
				HTTPStatus: o.HTTPStatus, Bytes: o.Bytes, Rows: sr.Rows, Duration: o.Duration, FetchedAt: fetched}
			if sr.Status != load.SourceAbsent {
				a.Err = o.Err
			}
			run.Sources = append(run.Sources, a)
		}
	}
	return run
}
