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

// dataUnchanged reports whether loading the run's answers would leave the
// published warehouse as it is, with why not when it would not (for the
// log), and returns what it read of the warehouse.
func dataUnchanged(ctx context.Context, opt Options, sum *Summary, digest string) (*load.Published, string, error) {
	snapshots := map[string][]string{}
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			continue
		}
		for _, r := range o.Responses {
			snapshots[o.Source.ID] = append(snapshots[o.Source.ID], r.Entry.SHA256)
		}
	}
	p, err := load.ReadPublished(ctx, opt.Warehouse, opt.Estimate.Origin, snapshots)
	switch {
	case err != nil:
		return nil, "", err
	case p == nil:
		return nil, "no published warehouse", nil
	case p.Declaration == nil:
		return nil, "the warehouse predates the run log", nil
	case p.Declaration.SchemaDigest != load.SchemaDigest():
		return nil, "the schema changed", nil
	case p.Declaration.CatalogueDigest != digest:
		return nil, "the catalogue changed", nil
	}
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			continue
		}
		id := o.Source.ID
		for _, r := range o.Responses {
			if !p.Known[id][r.Entry.SHA256] {
				return nil, "new bytes from " + id, nil
			}
		}
		ds, err := load.Digests(id, o.obs)
		if err != nil {
			return nil, "invalid observations from " + id, nil
		}
		for cit, d := range ds {
			if p.Digests[id][cit] != d {
				return nil, fmt.Sprintf("new figures from %s (citizens of %s)", id, cit), nil
			}
		}
	}
	return p, "", nil
}

// logUnchanged records a run that changes no data in the run log. It
// returns load.ErrPublishInFull when the warehouse cannot take a run log.
func logUnchanged(ctx context.Context, opt Options, sum *Summary, run *load.Run, p *load.Published) error {
	merged := map[string]load.MergeStats{}
	for _, o := range sum.Outcomes {
		if o.Err != nil {
			continue
		}
		st, err := load.UnchangedStats(o.Source.ID, o.obs)
		if err != nil {
			return err
		}
		merged[o.Source.ID] = st
	}
	// The counts are settled before the run log is written: a retry after
	// ErrPublishInFull starts from the collected outcomes again.
	saved := *sum
	saved.Outcomes = append([]Outcome(nil), sum.Outcomes...)
	err := load.LogRun(ctx, opt.Warehouse, run, func(ctx context.Context, tx *load.Tx) error {
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
		return nil
	})
	if err != nil {
		*sum = saved
		return err
	}
	sum.DataUnchanged, sum.PublishedRun = true, p.Declaration.Generation
	slog.InfoContext(ctx, "no data changed: run logged, warehouse left as published", "run", run.ID,
		"published_run", p.Declaration.Generation)
	return nil
}
