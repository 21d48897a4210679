package pipeline

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/emigre/emigre/load"
)

// TestTotalCountsWhatItSays checks, on the sample warehouse, what the total
// promises (docs/method.md): it is the sum of the rows in it, no row in it
// is a stock without a baseline, and the same holds at every reference date
// of the series; the series at a year end is computed from the data up to
// then (Georgia's and Germany's worked examples, recomputed here from the
// stored observations).
func TestTotalCountsWhatItSays(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "emigre.duckdb")
	sum, err := Run(ctx, offlineOptions(path))
	if err != nil {
		t.Fatal(err)
	}
	db, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t.Run("estimate_total is the sum of the rows in the total", func(t *testing.T) {
		var net, low, high, notIn, sumNet, sumLow, sumHigh, sumNotIn float64
		if err := db.QueryRow(`select net, low, high, not_in_total from estimate_total where citizenship = 'RU'`).
			Scan(&net, &low, &high, &notIn); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`select sum(net) filter (where in_total), sum(low) filter (where in_total),
			sum(high), sum(net) filter (where not in_total)
			from latest_estimates where citizenship = 'RU'`).Scan(&sumNet, &sumLow, &sumHigh, &sumNotIn); err != nil {
			t.Fatal(err)
		}
		if net != sumNet || low != sumLow || high != sumHigh || notIn != sumNotIn {
			t.Errorf("estimate_total net %v low %v high %v not in total %v; rows give %v %v %v %v",
				net, low, high, notIn, sumNet, sumLow, sumHigh, sumNotIn)
		}
		if net != sum.Total.Net || notIn != sum.Total.NotInTotal {
			t.Errorf("estimate_total net %v, not in total %v; the run's summary %v, %v", net, notIn, sum.Total.Net, sum.Total.NotInTotal)
		}
		if notIn == 0 {
			t.Error("the sample has stocks without a baseline: not_in_total should not be 0")
		}
		if n := query[int64](t, db, `select count(*) from latest_estimates
			where in_total and list_contains(flags, 'stock_without_baseline')`); n != 0 {
			t.Errorf("%d rows in the total carry stock_without_baseline", n)
		}
	})

	t.Run("the same at every reference date", func(t *testing.T) {
		rows, err := db.Query(`
			select t.ref_date, t.net, t.not_in_total, t.countries, t.countries_not_in_total,
				coalesce(sum(s.net) filter (where s.in_total), 0), coalesce(sum(s.net) filter (where not s.in_total), 0),
				count(*) filter (where s.in_total), count(*) filter (where not s.in_total),
				count(*) filter (where s.in_total and list_contains(s.flags, 'stock_without_baseline'))
			from latest_estimate_total_series t
			join latest_estimate_series s using (citizenship, ref_date)
			where citizenship = 'RU'
			group by all order by t.ref_date`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var dates []string
		for rows.Next() {
			var ref time.Time
			var net, notIn, sumNet, sumNotIn float64
			var countries, countriesNot, in, out, badStocks int
			if err := rows.Scan(&ref, &net, &notIn, &countries, &countriesNot, &sumNet, &sumNotIn, &in, &out, &badStocks); err != nil {
				t.Fatal(err)
			}
			d := ref.Format(time.DateOnly)
			dates = append(dates, d)
			if net != sumNet || notIn != sumNotIn || countries != in || countriesNot != out || badStocks != 0 {
				t.Errorf("%s: total net %v not in %v countries %d/%d; rows %v %v %d/%d; %d stocks without baseline in the total",
					d, net, notIn, countries, countriesNot, sumNet, sumNotIn, in, out, badStocks)
			}
		}
		if len(dates) < 3 || dates[0] != "2022-12-31" {
			t.Fatalf("reference dates %v, want every year end from 2022 and the newest as_of", dates)
		}
		var lastNet float64
		last := dates[len(dates)-1]
		if err := db.QueryRow(`select net from latest_estimate_total_series where citizenship = 'RU' and ref_date = ?`, last).
			Scan(&lastNet); err != nil {
			t.Fatal(err)
		}
		if lastNet != sum.Total.Net {
			t.Errorf("the series at its newest date %s has net %v, the run's total is %v", last, lastNet, sum.Total.Net)
		}
	})

	t.Run("Georgia at the end of 2023: net flows 2022-2023", func(t *testing.T) {
		// By hand from the stored Geostat observations: immigration minus
		// emigration of the two whole years.
		byHand := query[float64](t, db, `
			select sum(case metric when 'immigration' then value else -value end)
			from observations_current
			where destination = 'GE' and source_id = 'ge-geostat-migration-citizenship'
			  and metric in ('immigration', 'emigration')
			  and period_start >= date '2022-01-01' and period_end <= date '2023-12-31'
			  and period_end - period_start > 300`)
		got := seriesNet(t, db, "GE", "2023-12-31")
		if byHand != 73652 || got != byHand {
			t.Errorf("Georgia at 2023-12-31: series %v, by hand %v, METHOD.md 73652", got, byHand)
		}
	})

	t.Run("Germany at the end of 2023: the stock of 1 January 2024 less 1 January 2022", func(t *testing.T) {
		stock := func(on string) float64 {
			return query[float64](t, db, `select value from observations_current
				where source_id = 'eurostat-migr_pop1ctz' and destination = 'DE' and citizenship = 'RU' and period_end = ?`, on)
		}
		byHand := stock("2024-01-01") - stock("2022-01-01")
		if got := seriesNet(t, db, "DE", "2023-12-31"); byHand != 34546 || got != byHand {
			t.Errorf("Germany at 2023-12-31: series %v, by hand %v, METHOD.md 34546", got, byHand)
		}
	})

	t.Run("the United States: the sum of its named parts", func(t *testing.T) {
		var net, low, high float64
		var method, sources string
		if err := db.QueryRow(`select net, low, high, method, source_id from latest_estimates
			where citizenship = 'RU' and destination = 'US'`).Scan(&net, &low, &high, &method, &sources); err != nil {
			t.Fatal(err)
		}
		parts := query[float64](t, db, `select sum(value) from latest_estimate_components
			where citizenship = 'RU' and destination = 'US'`)
		// By hand from the stored observations: each part's months (or
		// years) from 2022 on, up to its newest.
		byHand := query[float64](t, db, `
			select sum(value) from observations_current
			where destination = 'US' and citizenship = 'RU' and not missing and period_start >= date '2022-01-01'
			  and source_id in ('us-dos-immigrant-visas', 'us-dos-immigrant-visas-2024',
			                    'us-dos-nonimmigrant-visas', 'unhcr-asylum-applications')`)
		if method != "gross_flows" || net != parts || net != byHand || low != net || high != net {
			t.Errorf("US %s %v (low %v, high %v) from %s; parts %v, by hand %v", method, net, low, high, sources, parts, byHand)
		}
		if n := query[int64](t, db, `select count(*) from latest_estimate_components where destination = 'US'`); n != 3 {
			t.Errorf("%d parts, want immigrant visas, long-term nonimmigrant visas and asylum applications", n)
		}
	})
}

func seriesNet(t *testing.T, db *sql.DB, dest, ref string) float64 {
	t.Helper()
	return query[float64](t, db, `select net from latest_estimate_series
		where citizenship = 'RU' and destination = ? and ref_date = ?`, dest, ref)
}
