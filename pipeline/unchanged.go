package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/emigre/emigre/load"
)

// A refresh in which nothing can change the data (every source's answer
// loads exactly what its last loaded answer did, or the source failed, is
// not configured or not archived) leaves the published warehouse alone:
// its run, the series' outcomes and the monitor's judgements go to the run
// log beside it (load.LogRun), and estimates, quality checks and the report,
// which could only repeat the published ones, are skipped.

// catalogueDigest identifies the catalogue rows a run writes: a run with
// another catalogue publishes in full.
func catalogueDigest(opt Options) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, s := range described(opt) {
		_ = enc.Encode(sourceRow(s)) // a struct of strings, numbers and times: never fails
	}
	for _, g := range opt.Catalogue.Gaps() {
		_ = enc.Encode(g)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// errChanged says why a run must publish in full: it wraps
// load.ErrPublishInFull, so that LogRun abandons the run log.
func errChanged(why string) error { return fmt.Errorf("%w: %s", load.ErrPublishInFull, why) }

// dataUnchanged checks, through LogRun's transaction, that loading the
// run's answers would leave the published warehouse as it is: the schema
// and catalogue it was built with are this run's, every answer's bytes are
// recorded and its figures' digests equal the last loaded answer's. It
// returns what it read, or an error wrapping load.ErrPublishInFull saying
// what changed.
func dataUnchanged(ctx context.Context, tx *load.Tx, decl *load.Declaration, opt Options, sum *Summary, digest string) (*load.Loaded, error) {
	if decl.CatalogueDigest != digest {
		return nil, errChanged("the catalogue changed")
	}
	snapshots := map[string][]string{}
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			continue
		}
		for _, r := range o.Responses {
			snapshots[o.Source.ID] = append(snapshots[o.Source.ID], r.Entry.SHA256)
		}
	}
	p, err := load.ReadLoaded(ctx, tx, opt.Estimate.Origin, snapshots)
	if err != nil {
		return nil, err
	}
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			continue
		}
		id := o.Source.ID
		for _, r := range o.Responses {
			if !p.Known[id][r.Entry.SHA256] {
				return nil, errChanged("new bytes from " + id)
			}
		}
		if o.answer == nil {
			return nil, errChanged("invalid observations from " + id)
		}
		for cit, d := range o.answer.Digests {
			if p.Digests[id][cit] != d {
				return nil, errChanged(fmt.Sprintf("new figures from %s (citizens of %s)", id, cit))
			}
		}
	}
	return p, nil
}

// runLogOpening is the run log being opened (load.OpenRunLog) while the
// sources are fetched: starting DuckDB and attaching the warehouse cost
// about as much as the rest of a run that changes nothing, and the fetch
// spends most of its time waiting on publishers.
type runLogOpening struct {
	done chan struct{}
	log  *load.RunLog
	err  error
}

func openRunLogAsync(ctx context.Context, warehouse string) *runLogOpening {
	o := &runLogOpening{done: make(chan struct{})}
	go func() {
		defer close(o.done)
		o.log, o.err = load.OpenRunLog(ctx, warehouse)
	}()
	return o
}

// wait returns the opened run log, or why it could not be opened.
func (o *runLogOpening) wait() (*load.RunLog, error) {
	<-o.done
	return o.log, o.err
}

// abandon lets the run log go unless it was used: for a run that publishes
// in full or stops before the publish. It releases the warehouse's lock.
func (o *runLogOpening) abandon(ctx context.Context) {
	if l, _ := o.wait(); l != nil {
		if err := l.Abandon(); err != nil {
			slog.WarnContext(ctx, "could not close the run log opened for this run", "error", err)
		}
	}
}

// logUnchanged records a run that changes no data in the run log opened
// for it. It returns an error wrapping load.ErrPublishInFull, with the
// summary as it was, when the run must publish in full.
func logUnchanged(ctx context.Context, opt Options, sum *Summary, run *load.Run, opening *runLogOpening) error {
	runLog, err := opening.wait()
	if err != nil {
		return err
	}
	// The outcomes are settled inside the run log's transaction: a run
	// that turns out to change data starts from the collected outcomes.
	saved := *sum
	saved.Outcomes = append([]Outcome(nil), sum.Outcomes...)
	var published string
	err = runLog.Log(ctx, run, func(ctx context.Context, tx *load.Tx, decl *load.Declaration) error {
		p, err := dataUnchanged(ctx, tx, decl, opt, sum, run.CatalogueDigest)
		if err != nil {
			return err
		}
		merged := map[string]load.MergeStats{}
		for _, o := range sum.Outcomes {
			if o.Err == nil {
				merged[o.Source.ID] = o.answer.Unchanged // dataUnchanged checked it is there
			}
		}
		_, outcomes := recordOutcomes(opt, sum, p.Destinations, merged, nil)
		if err := load.InsertRunSources(ctx, tx, run.ID, outcomes); err != nil {
			return err
		}
		if opt.AfterLoad != nil {
			if err := opt.AfterLoad(ctx, tx, sum); err != nil {
				return err
			}
		}
		tally(sum, run)
		published = decl.Generation
		return nil
	})
	if err != nil {
		*sum = saved
		return err
	}
	sum.DataUnchanged, sum.PublishedRun = true, published
	slog.InfoContext(ctx, "no data changed: run logged, warehouse left as published", "run", run.ID, "published_run", published)
	return nil
}
