package main

import (
	"context"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/pipeline"
	"github.com/emigre/emigre/schedules"
)

// pipelineRefresher is the refresh the schedule's daemon and monitor run:
// the pipeline over the given sources with opt, the monitor's judging as
// its AfterLoad (after opt's own, when set). It keeps the run's summary in
// *sum when sum is not nil. Package schedules knows the run only as
// schedules.Run, so it never imports the pipeline (nor the fetcher).
func pipelineRefresher(opt pipeline.Options, sum **pipeline.Summary) schedules.Refresher {
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
			return judge(ctx, tx, scheduledRun(s))
		}
		s, err := pipeline.Run(ctx, o)
		if sum != nil {
			*sum = s
		}
		return err
	}
}

// scheduledRun describes a run's summary as package schedules reads it.
func scheduledRun(s *pipeline.Summary) schedules.Run {
	run := schedules.Run{ID: s.RunID, Started: s.Started, Mode: s.Mode, Sample: s.Sample,
		Attempted: s.Attempted, Loaded: s.Loaded, Unchanged: s.Unchanged, Failed: s.Failed}
	for _, o := range s.Outcomes {
		var fetched time.Time
		for _, r := range o.Responses {
			fetched = latest(fetched, r.Entry.FetchedAt)
		}
		series := o.Series
		if len(series) == 0 { // a run that never split the source (it did not reach the load)
			series = []pipeline.Series{{Destination: o.Source.Destination, Status: o.Status, Rows: o.Rows}}
		}
		// One attempt per series: a multi-country source's destinations are
		// judged, and alerted on, each on its own.
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

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
