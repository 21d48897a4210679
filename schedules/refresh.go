package schedules

import (
	"context"
	"time"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/load"
)

// Run is what a refresh tells the monitor about itself, inside its
// publishing transaction: the run's identity and each attempted source's
// outcome. This package does not run refreshes; whoever does (cmd/emigre,
// over the pipeline) describes each run this way, so the daemon, the
// states and the alerts depend neither on the pipeline nor on the fetcher.
type Run struct {
	ID      string
	Started time.Time
	Mode    string // load.ModeLive or load.ModeOffline
	Sample  bool   // the data came from the sample archive
	// The run's tallies of its sources, for the daemon's log.
	Attempted, Loaded, Unchanged, Failed int
	Sources                              []Attempt
}

// Attempt is what happened in a run to one series: one source's figures
// for one destination (a one-country source has one series, a source
// answering for many countries one per destination).
type Attempt struct {
	Source *extractors.Source
	// Destination is the series' destination: the source's own, or one of
	// a multi-country source's; "" for such a source none of whose
	// destinations is known yet.
	Destination string
	Status      string // load.SourceOK, SourceUnchanged, SourceFailed or SourceAbsent
	Stage       string // where it failed: load.StageFetch, StageParse, StageLoad
	HTTPStatus  int
	Bytes       int64
	Rows        int // observations parsed
	Duration    time.Duration
	Err         error
	// FetchedAt is when the source's newest bytes were fetched (a replayed
	// archive's own fetched_at); zero when nothing was fetched.
	FetchedAt time.Time
}

// JudgeRun is what a refresh calls inside its publishing transaction, once
// the run's data are written, with what the run did: Monitor.Evaluate's
// judging of states and alerts. An error abandons the run.
type JudgeRun func(ctx context.Context, tx *load.Tx, run Run) error

// Refresher runs one refresh of sources and calls judge inside the run's
// publishing transaction (exactly once, for a run that publishes).
// cmd/emigre wires the pipeline in; tests may wire anything.
type Refresher func(ctx context.Context, sources []*extractors.Source, judge JudgeRun) error
