// Package quality checks each run's data and stores the outcome in the
// warehouse's quality_checks table: one row per check per subject (a
// source, or a destination for checks across sources), with the observed
// quantity, the threshold it was judged against, pass/warn/fail, and a
// detail whose first line says what was measured and whose further lines
// are a sample of the offending rows.
//
// The checks:
//
//   - shape: the series the catalogue declares, and those the source
//     published before, are in this run's answer (a renamed column fails the
//     reader; a vanished country code shows here, never as a silent zero);
//   - completeness: every attempted source answered, with about its usual
//     number of rows (zero rows from a source that usually has rows fails);
//     and every destination has current figures (rule coverage);
//   - validity: counts are whole and non-negative, flags known, periods
//     well formed and not in the future;
//   - consistency: sub-periods add up to the period's total where a source
//     gives both (rule parts_total); a stock's change and immigration minus
//     emigration over the same span agree (rule stock_flows);
//   - anomaly: each series' newest value against its own history, by the
//     robust z-score (median and MAD);
//   - revision: numbers that changed since the last vintage, old and new.
//
// Whether a series is up to date is not a check here: it is the series'
// state (stale), judged once per run by package schedules from the
// publication calendar and stored in source_states, so that the run, the
// status, the catalogue listing and the report say the same.
//
// Every rule has warn and fail limits, overridable per source (Config).
package quality

import (
	"context"
	"fmt"

	"github.com/emigre/emigre/load"
)

// Run gathers the warehouse's side of in through the run's transaction,
// runs every check, and stores the rows in quality_checks. It returns the
// rows it stored.
func Run(ctx context.Context, tx *load.Tx, in Input, cfg Config) ([]load.QualityCheckRow, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := Gather(ctx, tx, &in); err != nil {
		return nil, err
	}
	rows := Check(in, cfg)
	if err := load.InsertQualityChecks(ctx, tx, in.RunID, rows); err != nil {
		return nil, fmt.Errorf("quality: store checks of run %s: %w", in.RunID, err)
	}
	return rows, nil
}

// Counts tallies rows by outcome.
func Counts(rows []load.QualityCheckRow) (pass, warn, fail int) {
	for _, r := range rows {
		switch r.Outcome {
		case OutcomePass:
			pass++
		case OutcomeWarn:
			warn++
		case OutcomeFail:
			fail++
		}
	}
	return pass, warn, fail
}
