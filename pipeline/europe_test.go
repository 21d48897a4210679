package pipeline

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emigre/emigre/load"
)

// europeanStockChanges are the European destinations that get a stock
// change on the sample: a stock on (or within 12 months before) 1 January
// 2022 and a later one, in Eurostat's population by citizenship
// (migr_pop1ctz, preferred) or its valid permits (migr_resvalid), the two
// answers the sample holds whole.
var europeanStockChanges = []string{"AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR",
	"HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}

func TestSampleGivesEveryEuropeanCountryItsStockChange(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "emigre.duckdb")
	if _, err := Run(ctx, offlineOptions(path)); err != nil {
		t.Fatal(err)
	}
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stock []string
	rows, err := db.Query(`select destination from latest_estimates
		where citizenship = 'RU' and method = 'stock_change' order by destination`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		stock = append(stock, d)
	}
	rows.Close()
	if !slices.Equal(stock, europeanStockChanges) {
		t.Errorf("stock changes in %v,\nwant %v", stock, europeanStockChanges)
	}
	// A floor, not a pin: 41 destinations on the sample once the statements
	// read from pages that may not be cited were removed (issue 14).
	if n := query[int64](t, db, `select count(*) from latest_estimates where citizenship = 'RU'`); n < 40 {
		t.Errorf("%d destinations in latest_estimates, want 40 or more", n)
	}
	// Austria: 37,332 Russian citizens on 1 January 2024, 33,926 on
	// 1 January 2022 (Eurostat, migr_pop1ctz).
	var net, base float64
	var src string
	if err := db.QueryRow(`select net, baseline, source_id from latest_estimates
		where destination = 'AT' and citizenship = 'RU'`).Scan(&net, &base, &src); err != nil {
		t.Fatal(err)
	}
	if net != 3406 || base != 33926 || src != "eurostat-migr_pop1ctz" {
		t.Errorf("Austria: net %v from baseline %v (%s), want 3,406 from 33,926 (eurostat-migr_pop1ctz)", net, base, src)
	}
	// Latvia's stock fell: 39,206 then 35,924.
	if lv := query[float64](t, db, `select net from latest_estimates where destination = 'LV' and citizenship = 'RU'`); lv != 35924-39206 {
		t.Errorf("Latvia: %v, want -3,282", lv)
	}
	// Germany's series breaks on 1 January 2023 (status b).
	if !query[bool](t, db, `select list_contains(flags, 'series_break') from latest_estimates where destination = 'DE' and citizenship = 'RU'`) {
		t.Error("Germany: want the estimate flagged series_break")
	}
	// Türkiye reports to migr_pop1ctz: its population comes with the
	// dataset's one answer.
	if v := query[float64](t, db, `select value from observations_current where source_id = 'eurostat-migr_pop1ctz'
		and destination = 'TR' and citizenship = 'RU' and period_end = DATE '2023-01-01'`); v != 151049 {
		t.Errorf("Türkiye on 1 January 2023: %v, want 151,049 from migr_pop1ctz", v)
	}
	// Each destination of the dataset's answer is a series of its own.
	if n := query[int64](t, db, `select count(*) from source_health where source_id = 'eurostat-migr_pop1ctz'`); n < 25 {
		t.Errorf("%d series of migr_pop1ctz in source_health, want one per reporting country with figures", n)
	}
	if n := query[int64](t, db, `select count(*) from observations_current where destination in ('EU27_2020', 'EU28', 'EA20')`); n != 0 {
		t.Errorf("%d observations of aggregates: they are never destinations", n)
	}
}

// A run for Ukrainian citizens, then one for Russian citizens, into one
// warehouse: each origin keeps its estimates; sources without an answer
// for Ukrainians in the sample are "not in the sample archive".
func TestTwoOriginsSideBySide(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "emigre.duckdb")
	ua := offlineOptions(path)
	ua.Estimate.Origin = "UA"
	sumUA, err := Run(ctx, ua)
	if err != nil {
		t.Fatal(err)
	}
	if sumUA.Failed != 0 || len(sumUA.Estimates) < 20 {
		t.Fatalf("UA run: %d failed, %d estimates (want 20+): %v", sumUA.Failed, len(sumUA.Estimates), failures(sumUA))
	}
	for _, o := range sumUA.Outcomes {
		if o.Source.ID == "eurostat-migr_pop1ctz" && (o.Status != load.SourceNotArchived || !strings.Contains(o.Err.Error(), "not in the sample archive")) {
			t.Errorf("migr_pop1ctz for UA: %s %v, want not in the sample archive", o.Status, o.Err)
		}
	}
	if _, err := Run(ctx, offlineOptions(path)); err != nil {
		t.Fatal(err)
	}
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := query[int64](t, db, `select count(*) from latest_estimates where citizenship = 'UA'`); n < 20 {
		t.Errorf("%d UA destinations after the RU run, want 20+", n)
	}
	if n := query[int64](t, db, `select count(*) from latest_estimates where citizenship = 'RU'`); n < 40 {
		t.Errorf("%d RU destinations, want 40+", n)
	}
	if n := query[int64](t, db, `select count(*) from estimate_total`); n != 2 {
		t.Errorf("estimate_total has %d rows, want one per origin", n)
	}
	// The RU run's shape check of a source both runs asked expects the
	// RU series only, not the UA run's.
	if got := query[string](t, db, `select string_agg(outcome, ',') from quality_checks
		where check_name = 'shape' and source_id = 'eurostat-migr_resvalid'
		  and run_id = (select run_id from runs where origin = 'RU')`); got != "pass" {
		t.Errorf("shape of migr_resvalid in the RU run: %s, want pass", got)
	}
	// Ukrainians in Austria: Eurostat's valid permits, 31 December 2021 to
	// 31 December 2024, not Russian figures.
	if src := query[string](t, db, `select source_id from latest_estimates where destination = 'AT' and citizenship = 'UA'`); src != "eurostat-migr_resvalid" {
		t.Errorf("UA in Austria from %s, want eurostat-migr_resvalid", src)
	}
}
