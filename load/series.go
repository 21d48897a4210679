package load

import (
	"context"
	"database/sql/driver"
	"time"
)

// EstimateSeriesRow is one destination's estimate as of one reference date.
type EstimateSeriesRow struct {
	Destination string
	Citizenship string
	RefDate     time.Time
	Net         float64
	Low         float64
	High        float64
	Method      string
	AsOf        time.Time
	InTotal     bool
	Flags       []string
	SourceID    string
}

// InsertEstimateSeries writes run runID's estimate at every reference date.
func InsertEstimateSeries(ctx context.Context, tx *Tx, runID string, rows []EstimateSeriesRow) error {
	if runID == "" {
		return invalid("estimate series without run id")
	}
	seen := map[string]bool{}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		what := r.Destination + "/" + r.Citizenship + "/" + r.RefDate.Format(time.DateOnly)
		switch {
		case r.Destination == "" || r.Citizenship == "" || r.Method == "" || r.RefDate.IsZero() || r.AsOf.IsZero():
			return invalid("estimate series %s: destination, citizenship, ref_date, method and as_of are required", what)
		case seen[what]:
			return invalid("estimate series %s given twice", what)
		case !finite(r.Net, r.Low, r.High):
			return invalid("estimate series %s: a figure is not a finite number", what)
		case r.Low > r.Net || r.Net > r.High:
			return invalid("estimate series %s: net %v is outside [low %v, high %v]", what, r.Net, r.Low, r.High)
		}
		seen[what] = true
		values = append(values, []driver.Value{runID, r.Destination, r.Citizenship, date(r.RefDate),
			r.Net, r.Low, r.High, r.Method, date(r.AsOf), r.InTotal, flagList(r.Flags), nullString(r.SourceID)})
	}
	return tx.appendRows(ctx, "", "estimate_series", []string{
		"run_id", "destination", "citizenship", "ref_date", "net", "low", "high", "method", "as_of",
		"in_total", "flags", "source_id",
	}, values)
}

// EstimateTotalSeriesRow is the total as of one reference date.
type EstimateTotalSeriesRow struct {
	Citizenship         string
	RefDate             time.Time
	Net, Low, High      float64
	NotInTotal          float64
	Countries           int
	CountriesNotInTotal int
}

// InsertEstimateTotalSeries writes run runID's total at every reference
// date.
func InsertEstimateTotalSeries(ctx context.Context, tx *Tx, runID string, rows []EstimateTotalSeriesRow) error {
	if runID == "" {
		return invalid("estimate total series without run id")
	}
	seen := map[string]bool{}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		what := r.Citizenship + "/" + r.RefDate.Format(time.DateOnly)
		switch {
		case r.Citizenship == "" || r.RefDate.IsZero():
			return invalid("estimate total series %s: citizenship and ref_date are required", what)
		case seen[what]:
			return invalid("estimate total series %s given twice", what)
		case !finite(r.Net, r.Low, r.High, r.NotInTotal) || r.Countries < 0 || r.CountriesNotInTotal < 0:
			return invalid("estimate total series %s: a figure is not a finite number or a count is negative", what)
		}
		seen[what] = true
		values = append(values, []driver.Value{runID, r.Citizenship, date(r.RefDate), r.Net, r.Low, r.High,
			r.NotInTotal, int64(r.Countries), int64(r.CountriesNotInTotal)})
	}
	return tx.appendRows(ctx, "", "estimate_total_series", []string{
		"run_id", "citizenship", "ref_date", "net", "low", "high", "not_in_total", "countries",
		"countries_not_in_total",
	}, values)
}

// EstimateComponentRow is one named part of a sum of gross components.
type EstimateComponentRow struct {
	Destination string
	Citizenship string
	Component   string
	SourceID    string // comma-separated when the part reads several sources
	Metric      string
	Value       float64
	PeriodStart time.Time
	PeriodEnd   time.Time
	Gap         bool
}

// InsertEstimateComponents writes run runID's parts of sums of components.
func InsertEstimateComponents(ctx context.Context, tx *Tx, runID string, rows []EstimateComponentRow) error {
	if runID == "" {
		return invalid("estimate components without run id")
	}
	seen := map[string]bool{}
	values := make([][]driver.Value, 0, len(rows))
	for _, r := range rows {
		what := r.Destination + "/" + r.Citizenship + "/" + r.Component
		switch {
		case r.Destination == "" || r.Citizenship == "" || r.Component == "" || r.SourceID == "" || r.Metric == "":
			return invalid("estimate component %s: destination, citizenship, component, source and metric are required", what)
		case r.PeriodStart.IsZero() || r.PeriodEnd.Before(r.PeriodStart):
			return invalid("estimate component %s: period %s to %s", what, r.PeriodStart.Format(time.DateOnly), r.PeriodEnd.Format(time.DateOnly))
		case seen[what]:
			return invalid("estimate component %s given twice", what)
		case !finite(r.Value):
			return invalid("estimate component %s: the value is not a finite number", what)
		}
		seen[what] = true
		values = append(values, []driver.Value{runID, r.Destination, r.Citizenship, r.Component, r.SourceID,
			r.Metric, r.Value, date(r.PeriodStart), date(r.PeriodEnd), r.Gap})
	}
	return tx.appendRows(ctx, "", "estimate_components", []string{
		"run_id", "destination", "citizenship", "component", "source_id", "metric", "value",
		"period_start", "period_end", "gap",
	}, values)
}
