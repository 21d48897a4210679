-- views.sql: the views analysts query. Their columns are a contract: change
-- them additively (new columns at the end), never rename or drop one; a test
-- pins them (warehouse/testdata/analyst_views.txt).
--
-- The loader runs this file after the migrations every time it opens the
-- warehouse read-write, so a view is changed here, not in a migration. Every
-- statement must therefore be repeatable: CREATE OR REPLACE VIEW, then the
-- comments (replacing a view drops its comments, and this file puts them
-- back). DuckDB 1.5 stores COMMENT ON COLUMN for view columns, so each column
-- is documented like a table's.

-------------------------------------------------------------------------------
-- observations_current: the numbers as the sources publish them now.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW observations_current AS
SELECT
    o.obs_id,
    o.source_id,
    o.destination,
    o.citizenship,
    o.metric,
    o.measure,
    o.period_start,
    o.period_end,
    o.value,
    o.missing,
    o.flags,
    o.snapshot_sha256,
    o.run_id,
    s.sample
FROM observations AS o
LEFT JOIN snapshots AS s
    ON s.sha256 = o.snapshot_sha256
   AND s.source_id = o.source_id
WHERE o.superseded_by_run IS NULL;

COMMENT ON VIEW observations_current IS 'The current vintage of every number every source published: observations without the rows that later runs superseded. Includes sources that failed in the latest run: their last loaded numbers stay current.';
COMMENT ON COLUMN observations_current.obs_id IS 'Id of this vintage (observations.obs_id).';
COMMENT ON COLUMN observations_current.source_id IS 'The source that published it (sources.id).';
COMMENT ON COLUMN observations_current.destination IS 'ISO 3166-1 alpha-2 code of the country that counts.';
COMMENT ON COLUMN observations_current.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship counted.';
COMMENT ON COLUMN observations_current.metric IS 'What the number counts (resident_stock, permits_valid, permits_first, immigration, emigration, asylum_applications, repatriation, naturalisations, border_net, statement).';
COMMENT ON COLUMN observations_current.measure IS 'For statements, the metric the stated figure counts; NULL otherwise.';
COMMENT ON COLUMN observations_current.period_start IS 'First day of a flow''s period; a stock''s reference date.';
COMMENT ON COLUMN observations_current.period_end IS 'Last day of a flow''s period; a stock''s reference date.';
COMMENT ON COLUMN observations_current.value IS 'Persons; NULL when missing.';
COMMENT ON COLUMN observations_current.missing IS 'True when published as not available.';
COMMENT ON COLUMN observations_current.flags IS 'Status flags as published; NULL when none.';
COMMENT ON COLUMN observations_current.snapshot_sha256 IS 'SHA-256 of the archived response the number was read from.';
COMMENT ON COLUMN observations_current.run_id IS 'The run that loaded this vintage.';
COMMENT ON COLUMN observations_current.sample IS 'True when the number comes from the sample archive (snapshots.sample); NULL when its snapshot is not recorded.';

-------------------------------------------------------------------------------
-- observation_revisions: numbers a publisher changed after publishing them.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW observation_revisions AS
SELECT
    new.source_id,
    new.destination,
    new.citizenship,
    new.metric,
    new.measure,
    new.period_start,
    new.period_end,
    old.value                 AS old_value,
    new.value                 AS new_value,
    new.value - old.value     AS change,
    old.missing               AS old_missing,
    new.missing               AS new_missing,
    old.flags                 AS old_flags,
    new.flags                 AS new_flags,
    old.obs_id                AS old_obs_id,
    new.obs_id                AS new_obs_id,
    old.run_id                AS old_run_id,
    old.superseded_by_run     AS revised_in_run,
    r.started_at              AS revised_at,
    new.superseded_by_run IS NULL AS is_current
FROM observations AS old
-- The run that superseded a row loaded its successor: same key, that run.
JOIN observations AS new
    ON new.run_id = old.superseded_by_run
   AND new.source_id = old.source_id
   AND new.destination = old.destination
   AND new.citizenship = old.citizenship
   AND new.metric = old.metric
   AND new.measure IS NOT DISTINCT FROM old.measure
   AND new.period_start = old.period_start
   AND new.period_end = old.period_end
JOIN runs AS r ON r.run_id = old.superseded_by_run
ORDER BY r.started_at DESC, new.source_id, new.period_end;

COMMENT ON VIEW observation_revisions IS 'Every revision a publisher made: one row per number whose value, missing mark or flags changed between two runs, the old vintage beside the one that replaced it. A number revised twice has two rows.';
COMMENT ON COLUMN observation_revisions.source_id IS 'The source that published it (sources.id).';
COMMENT ON COLUMN observation_revisions.destination IS 'ISO 3166-1 alpha-2 code of the country that counts.';
COMMENT ON COLUMN observation_revisions.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship counted.';
COMMENT ON COLUMN observation_revisions.metric IS 'What the number counts (see observations.metric).';
COMMENT ON COLUMN observation_revisions.measure IS 'For statements, the metric the stated figure counts; NULL otherwise.';
COMMENT ON COLUMN observation_revisions.period_start IS 'First day of a flow''s period; a stock''s reference date.';
COMMENT ON COLUMN observation_revisions.period_end IS 'Last day of a flow''s period; a stock''s reference date.';
COMMENT ON COLUMN observation_revisions.old_value IS 'Persons as first published (or as the previous revision had it); NULL when it was missing.';
COMMENT ON COLUMN observation_revisions.new_value IS 'Persons after the revision; NULL when it is now missing.';
COMMENT ON COLUMN observation_revisions.change IS 'new_value minus old_value; NULL when either is missing.';
COMMENT ON COLUMN observation_revisions.old_missing IS 'True when the old vintage was published as not available.';
COMMENT ON COLUMN observation_revisions.new_missing IS 'True when the new vintage is published as not available.';
COMMENT ON COLUMN observation_revisions.old_flags IS 'Status flags of the old vintage as published (p provisional, ...); NULL when none.';
COMMENT ON COLUMN observation_revisions.new_flags IS 'Status flags of the new vintage as published; NULL when none.';
COMMENT ON COLUMN observation_revisions.old_obs_id IS 'observations.obs_id of the old vintage.';
COMMENT ON COLUMN observation_revisions.new_obs_id IS 'observations.obs_id of the new vintage.';
COMMENT ON COLUMN observation_revisions.old_run_id IS 'The run that loaded the old vintage (runs.run_id).';
COMMENT ON COLUMN observation_revisions.revised_in_run IS 'The run that loaded the new vintage and superseded the old one (runs.run_id).';
COMMENT ON COLUMN observation_revisions.revised_at IS 'When that run started (UTC).';
COMMENT ON COLUMN observation_revisions.is_current IS 'True when the new vintage is still the current one (not revised again since).';

-------------------------------------------------------------------------------
-- latest_estimate_runs: which run the latest_* views read, per citizenship.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW latest_estimate_runs AS
WITH estimate_runs AS (
    SELECT DISTINCT e.citizenship, e.run_id, r.started_at
    FROM estimates AS e
    JOIN runs AS r ON r.run_id = e.run_id
)
-- Per citizenship, so that a run for another origin does not hide the
-- default origin's estimates.
SELECT citizenship, run_id, started_at
FROM estimate_runs
QUALIFY row_number() OVER (PARTITION BY citizenship ORDER BY started_at DESC, run_id DESC) = 1
ORDER BY citizenship;

COMMENT ON VIEW latest_estimate_runs IS 'Per citizenship, the newest run (by start time) that computed estimates: the run latest_estimates, latest_estimate_series, latest_estimate_total_series and latest_estimate_components show.';
COMMENT ON COLUMN latest_estimate_runs.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN latest_estimate_runs.run_id IS 'The newest run that estimated for it (runs.run_id).';
COMMENT ON COLUMN latest_estimate_runs.started_at IS 'When that run started (UTC).';

-------------------------------------------------------------------------------
-- latest_estimates: the estimate per destination from the newest run.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW latest_estimates AS
SELECT
    e.destination,
    e.citizenship,
    e.arrivals,
    e.returns,
    e.net,
    e.low,
    e.high,
    e.method,
    e.as_of,
    e.source_id,
    e.metric,
    e.period_start,
    e.baseline,
    e.baseline_date,
    e.flags,
    e.net_excess,
    e.run_id,
    r.window_start,
    r.sample,
    c.name AS destination_name,
    e.in_total
FROM estimates AS e
JOIN latest_estimate_runs AS l
    ON l.citizenship = e.citizenship
   AND l.run_id = e.run_id
JOIN runs AS r ON r.run_id = e.run_id
LEFT JOIN countries AS c ON c.code = e.destination
ORDER BY e.citizenship, e.net DESC, e.destination;

COMMENT ON VIEW latest_estimates IS 'The estimate per destination from the newest run (by start time) that computed estimates for each citizenship: how many citizens moved there since the window start and are still there. Destinations without any source have no row; they are not zero. Rows with in_total = false keep their figure but are not a change since the window start (see docs/method.md).';
COMMENT ON COLUMN latest_estimates.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN latest_estimates.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN latest_estimates.arrivals IS 'Persons who arrived; NULL when the method cannot see arrivals.';
COMMENT ON COLUMN latest_estimates.returns IS 'Persons who left again; NULL when the method cannot see returns (flags then contains gross).';
COMMENT ON COLUMN latest_estimates.net IS 'The estimate: net persons still there (see estimates.net).';
COMMENT ON COLUMN latest_estimates.low IS 'Lowest net over every method the data supports.';
COMMENT ON COLUMN latest_estimates.high IS 'Highest net over every method the data supports.';
COMMENT ON COLUMN latest_estimates.method IS 'The method of the chosen figure: stock_change, net_flows, gross_flows or statement.';
COMMENT ON COLUMN latest_estimates.as_of IS 'End of the latest period or reference date used.';
COMMENT ON COLUMN latest_estimates.source_id IS 'The source whose series the method used (sources.id).';
COMMENT ON COLUMN latest_estimates.metric IS 'The metric of the series used.';
COMMENT ON COLUMN latest_estimates.period_start IS 'Start of the span the estimate covers.';
COMMENT ON COLUMN latest_estimates.baseline IS 'For stock_change, the stock at baseline_date; NULL otherwise.';
COMMENT ON COLUMN latest_estimates.baseline_date IS 'For stock_change, the date of the baseline stock; NULL otherwise.';
COMMENT ON COLUMN latest_estimates.flags IS 'Caveats as a list (gross, prorated; series_break: a break in the stock''s series between baseline and as_of; stock_without_baseline, since_far_from_window, gap_in_flows: why a row is not in the total).';
COMMENT ON COLUMN latest_estimates.net_excess IS 'Net minus the 2019-2021 trend; NULL when that period is not covered.';
COMMENT ON COLUMN latest_estimates.run_id IS 'The run that computed these estimates.';
COMMENT ON COLUMN latest_estimates.window_start IS 'The run''s window start: net counts moves since this date.';
COMMENT ON COLUMN latest_estimates.sample IS 'True when the run used the sample archive: not figures to quote.';
COMMENT ON COLUMN latest_estimates.destination_name IS 'English short name of the destination (countries.name).';
COMMENT ON COLUMN latest_estimates.in_total IS 'True when net measures a change since window_start and enters estimate_total.net; false rows (flags say why: stock_without_baseline, since_far_from_window, gap_in_flows) are counted in estimate_total.not_in_total and high only.';

-------------------------------------------------------------------------------
-- estimate_history: the estimate per destination at every run.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW estimate_history AS
SELECT
    e.run_id,
    r.started_at,
    e.destination,
    c.name AS destination_name,
    e.citizenship,
    e.net,
    e.low,
    e.high,
    e.arrivals,
    e.returns,
    e.method,
    e.as_of,
    e.source_id,
    e.metric,
    e.flags,
    e.net_excess,
    lag(e.run_id) OVER per_series                AS previous_run_id,
    e.net - lag(e.net) OVER per_series           AS net_change,
    r.window_start,
    r.sample,
    e.in_total
FROM estimates AS e
JOIN runs AS r ON r.run_id = e.run_id
LEFT JOIN countries AS c ON c.code = e.destination
-- Runs with another window start answer another question: a series never
-- compares across window starts.
WINDOW per_series AS (PARTITION BY e.destination, e.citizenship, r.window_start ORDER BY r.started_at, e.run_id)
ORDER BY e.citizenship, e.destination, r.started_at, e.run_id;

COMMENT ON VIEW estimate_history IS 'The estimate per destination at every run that computed one: how the picture changed as publishers added periods and revised numbers. One row per run, destination and citizenship; latest_estimates is the newest run''s rows.';
COMMENT ON COLUMN estimate_history.run_id IS 'The run that computed the estimate (runs.run_id).';
COMMENT ON COLUMN estimate_history.started_at IS 'When that run started (UTC): the time axis of the history.';
COMMENT ON COLUMN estimate_history.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN estimate_history.destination_name IS 'English short name of the destination (countries.name).';
COMMENT ON COLUMN estimate_history.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN estimate_history.net IS 'The estimate at that run: net persons still there (see estimates.net).';
COMMENT ON COLUMN estimate_history.low IS 'Lowest net over every method the data supported at that run.';
COMMENT ON COLUMN estimate_history.high IS 'Highest net over every method the data supported at that run.';
COMMENT ON COLUMN estimate_history.arrivals IS 'Persons who arrived; NULL when the method cannot see arrivals.';
COMMENT ON COLUMN estimate_history.returns IS 'Persons who left again; NULL when the method cannot see returns.';
COMMENT ON COLUMN estimate_history.method IS 'The method of the chosen figure: stock_change, net_flows, gross_flows or statement.';
COMMENT ON COLUMN estimate_history.as_of IS 'End of the latest period or reference date the estimate used at that run.';
COMMENT ON COLUMN estimate_history.source_id IS 'The source whose series the method used (sources.id).';
COMMENT ON COLUMN estimate_history.metric IS 'The metric of the series used.';
COMMENT ON COLUMN estimate_history.flags IS 'Caveats as a list (gross, prorated; stock_without_baseline, since_far_from_window, gap_in_flows: why a row is not in the total).';
COMMENT ON COLUMN estimate_history.net_excess IS 'Net minus the 2019-2021 trend; NULL when that period is not covered.';
COMMENT ON COLUMN estimate_history.previous_run_id IS 'The previous run (by start time) that estimated this destination and citizenship over the same window; NULL for the first.';
COMMENT ON COLUMN estimate_history.net_change IS 'net minus the net of previous_run_id; NULL for the first run of the series.';
COMMENT ON COLUMN estimate_history.window_start IS 'The run''s window start: net counts moves since this date.';
COMMENT ON COLUMN estimate_history.sample IS 'True when the run used the sample archive: not figures to quote.';
COMMENT ON COLUMN estimate_history.in_total IS 'True when the figure measured a change since the window start and entered that run''s total (see latest_estimates.in_total).';

-------------------------------------------------------------------------------
-- estimate_total: the sum over destinations.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW estimate_total AS
SELECT
    citizenship,
    -- Only rows that measure a change since the window start count (in_total);
    -- the others widen high and are summed apart in not_in_total.
    coalesce(sum(net) FILTER (WHERE in_total), 0)                    AS net,
    coalesce(sum(low) FILTER (WHERE in_total), 0)                    AS low,
    sum(high)                                                        AS high,
    count(DISTINCT destination) FILTER (WHERE in_total)              AS countries,
    max(as_of) FILTER (WHERE in_total)                               AS as_of,
    min(as_of) FILTER (WHERE in_total)                               AS oldest_as_of,
    any_value(run_id)                                                AS run_id,
    bool_or(sample)                                                  AS sample,
    coalesce(sum(net) FILTER (WHERE NOT in_total), 0)                AS not_in_total,
    count(DISTINCT destination) FILTER (WHERE NOT in_total)          AS countries_not_in_total,
    coalesce(sum(net) FILTER (WHERE in_total AND list_contains(flags, 'gross')), 0) AS gross,
    count(DISTINCT destination) FILTER (WHERE in_total AND list_contains(flags, 'gross')) AS countries_gross
FROM latest_estimates
GROUP BY citizenship
ORDER BY citizenship;

COMMENT ON VIEW estimate_total IS 'The total over destinations of latest_estimates, per citizenship: net arrivals since the window start in the destinations whose figure measures a change since then (in_total), with what is left out beside it. Destinations without a source are not counted (not as zero either), and people who moved on from one destination to another may be counted in both.';
COMMENT ON COLUMN estimate_total.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN estimate_total.net IS 'Sum of the chosen net over the destinations in the total (latest_estimates.in_total).';
COMMENT ON COLUMN estimate_total.low IS 'Sum of the low bounds of the destinations in the total.';
COMMENT ON COLUMN estimate_total.high IS 'Sum of the high bounds of every destination, those not in the total included: the range stays honest about what is unknown.';
COMMENT ON COLUMN estimate_total.countries IS 'How many destinations are in the total.';
COMMENT ON COLUMN estimate_total.as_of IS 'The latest as_of among the destinations in the total.';
COMMENT ON COLUMN estimate_total.oldest_as_of IS 'The earliest as_of among the destinations in the total: the total mixes dates between oldest_as_of and as_of.';
COMMENT ON COLUMN estimate_total.run_id IS 'The run the figures come from.';
COMMENT ON COLUMN estimate_total.sample IS 'True when the run used the sample archive.';
COMMENT ON COLUMN estimate_total.not_in_total IS 'Sum of net over the destinations whose figure is not a change since the window start (in_total = false: stocks without a baseline, changes since a date far from it, flows with a gap): never in net or low, always in high.';
COMMENT ON COLUMN estimate_total.countries_not_in_total IS 'How many destinations have a figure that is not in the total.';
COMMENT ON COLUMN estimate_total.gross IS 'Of net, the part from destinations flagged gross: arrivals whose returns are unknown.';
COMMENT ON COLUMN estimate_total.countries_gross IS 'How many destinations in the total are flagged gross.';

-------------------------------------------------------------------------------
-- latest_estimate_series: the estimate as of each reference date.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW latest_estimate_series AS
SELECT
    s.destination,
    c.name AS destination_name,
    s.citizenship,
    s.ref_date,
    s.net,
    s.low,
    s.high,
    s.method,
    s.as_of,
    s.in_total,
    s.flags,
    s.source_id,
    s.run_id,
    r.window_start,
    r.sample
FROM estimate_series AS s
JOIN latest_estimate_runs AS l
    ON l.citizenship = s.citizenship
   AND l.run_id = s.run_id
JOIN runs AS r ON r.run_id = s.run_id
LEFT JOIN countries AS c ON c.code = s.destination
ORDER BY s.citizenship, s.destination, s.ref_date;

COMMENT ON VIEW latest_estimate_series IS 'The newest run''s estimate per destination as it stood on each reference date (every 31 December from the window start''s year, and the newest as_of): computed from only the observations whose period had ended by then. Studies made at a date are compared at that date.';
COMMENT ON COLUMN latest_estimate_series.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN latest_estimate_series.destination_name IS 'English short name of the destination (countries.name).';
COMMENT ON COLUMN latest_estimate_series.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN latest_estimate_series.ref_date IS 'The date the estimate is as of (a 31 December, or the newest as_of).';
COMMENT ON COLUMN latest_estimate_series.net IS 'Net persons still there as of ref_date (see estimates.net).';
COMMENT ON COLUMN latest_estimate_series.low IS 'Lowest net over every method the data up to ref_date support.';
COMMENT ON COLUMN latest_estimate_series.high IS 'Highest net over every method the data up to ref_date support.';
COMMENT ON COLUMN latest_estimate_series.method IS 'The method of the chosen figure: stock_change, net_flows, gross_flows or statement.';
COMMENT ON COLUMN latest_estimate_series.as_of IS 'End of the latest period or reference date used.';
COMMENT ON COLUMN latest_estimate_series.in_total IS 'True when the figure measures a change since the window start and enters the total.';
COMMENT ON COLUMN latest_estimate_series.flags IS 'Caveats as a list (gross, stock_without_baseline, gap_in_flows, since_far_from_window, prorated).';
COMMENT ON COLUMN latest_estimate_series.source_id IS 'The source whose series the method used (sources.id).';
COMMENT ON COLUMN latest_estimate_series.run_id IS 'The run that computed the series.';
COMMENT ON COLUMN latest_estimate_series.window_start IS 'The run''s window start: net counts moves since this date.';
COMMENT ON COLUMN latest_estimate_series.sample IS 'True when the run used the sample archive: not figures to quote.';

-------------------------------------------------------------------------------
-- latest_estimate_total_series: the total as of each reference date.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW latest_estimate_total_series AS
SELECT
    t.citizenship,
    t.ref_date,
    t.net,
    t.low,
    t.high,
    t.not_in_total,
    t.countries,
    t.countries_not_in_total,
    t.run_id,
    r.window_start,
    r.sample
FROM estimate_total_series AS t
JOIN latest_estimate_runs AS l
    ON l.citizenship = t.citizenship
   AND l.run_id = t.run_id
JOIN runs AS r ON r.run_id = t.run_id
ORDER BY t.citizenship, t.ref_date;

COMMENT ON VIEW latest_estimate_total_series IS 'The newest run''s total over destinations as it stood on each reference date: the total over time (the report''s chart reads it). The row at the newest as_of equals estimate_total.';
COMMENT ON COLUMN latest_estimate_total_series.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN latest_estimate_total_series.ref_date IS 'The date the total is as of (a 31 December, or the newest as_of).';
COMMENT ON COLUMN latest_estimate_total_series.net IS 'Sum of net over the destinations in the total as of ref_date.';
COMMENT ON COLUMN latest_estimate_total_series.low IS 'Sum of low over the destinations in the total.';
COMMENT ON COLUMN latest_estimate_total_series.high IS 'Sum of high over every destination, those not in the total included.';
COMMENT ON COLUMN latest_estimate_total_series.not_in_total IS 'Sum of net over the destinations not in the total.';
COMMENT ON COLUMN latest_estimate_total_series.countries IS 'How many destinations are in the total.';
COMMENT ON COLUMN latest_estimate_total_series.countries_not_in_total IS 'How many destinations have a figure that is not in the total.';
COMMENT ON COLUMN latest_estimate_total_series.run_id IS 'The run that computed it.';
COMMENT ON COLUMN latest_estimate_total_series.window_start IS 'The run''s window start: net counts moves since this date.';
COMMENT ON COLUMN latest_estimate_total_series.sample IS 'True when the run used the sample archive: not figures to quote.';

-------------------------------------------------------------------------------
-- latest_estimate_components: the parts of a sum of gross components.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW latest_estimate_components AS
SELECT
    p.destination,
    c.name AS destination_name,
    p.citizenship,
    p.component,
    p.source_id,
    p.metric,
    p.value,
    p.period_start,
    p.period_end,
    p.gap,
    p.run_id,
    r.sample
FROM estimate_components AS p
JOIN latest_estimate_runs AS l
    ON l.citizenship = p.citizenship
   AND l.run_id = p.run_id
JOIN runs AS r ON r.run_id = p.run_id
LEFT JOIN countries AS c ON c.code = p.destination
ORDER BY p.citizenship, p.destination, p.component;

COMMENT ON VIEW latest_estimate_components IS 'The newest run''s named parts of each estimate that is a sum of gross components (the United States; docs/method.md): what the gross_flows figure in latest_estimates adds up.';
COMMENT ON COLUMN latest_estimate_components.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN latest_estimate_components.destination_name IS 'English short name of the destination (countries.name).';
COMMENT ON COLUMN latest_estimate_components.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN latest_estimate_components.component IS 'The part''s name (immigrant visas, long-term nonimmigrant visas, asylum applications).';
COMMENT ON COLUMN latest_estimate_components.source_id IS 'The sources read for the part (sources.id), comma-separated.';
COMMENT ON COLUMN latest_estimate_components.metric IS 'The metric summed.';
COMMENT ON COLUMN latest_estimate_components.value IS 'Persons over the part''s whole periods from period_start to period_end: a gross inflow.';
COMMENT ON COLUMN latest_estimate_components.period_start IS 'First day summed.';
COMMENT ON COLUMN latest_estimate_components.period_end IS 'Last day summed; parts may end on different dates.';
COMMENT ON COLUMN latest_estimate_components.gap IS 'True when the part does not cover every period from the window start to period_end.';
COMMENT ON COLUMN latest_estimate_components.run_id IS 'The run that computed it.';
COMMENT ON COLUMN latest_estimate_components.sample IS 'True when the run used the sample archive: not figures to quote.';

-------------------------------------------------------------------------------
-- source_health: is each series still answering and publishing?
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW source_health AS
WITH series AS (
    -- Every series the catalogue, the runs or the data know: a one-country
    -- source's own destination, and each destination a multi-country
    -- source's answers held.
    SELECT id AS source_id, destination FROM sources WHERE destination IS NOT NULL
    UNION
    SELECT source_id, destination FROM series_health WHERE destination IS NOT NULL
    UNION
    SELECT source_id, destination FROM series_observations
),
all_series AS (
    SELECT source_id, destination FROM series
    UNION ALL
    -- A source with no series yet (a multi-country source never read):
    -- one row for the source as a whole.
    SELECT s.id, NULL
    FROM sources AS s
    WHERE NOT EXISTS (SELECT 1 FROM series AS x WHERE x.source_id = s.id)
),
current_obs AS (
    -- Counted when loaded (series_observations, migration 0062), summed
    -- over the citizenships loaded.
    SELECT source_id, destination, sum(observations)::BIGINT AS observations, max(newest_period) AS newest_period
    FROM series_observations
    GROUP BY source_id, destination
),
judged AS (
    -- The newest judgement of each series: its state, as every view shows it.
    SELECT ss.*
    FROM source_states AS ss
    JOIN runs AS r ON r.run_id = ss.run_id
    QUALIFY row_number() OVER (PARTITION BY ss.source_id, ss.destination
                               ORDER BY r.started_at DESC, ss.run_id DESC) = 1
)
-- The latest attempt, last success and failures in a row are kept per
-- series, run by run, in series_health (migration 0061): reading them
-- costs the same however many runs are kept.
SELECT
    src.id                                  AS source_id,
    se.destination,
    src.title,
    src.cadence,
    src.lag_months,
    src.is_statement,
    h.last_run_id,
    h.last_run_at,
    h.last_status,
    h.last_stage,
    h.last_http_status,
    h.last_error,
    h.last_rows,
    h.last_duration_ms,
    h.last_success_at,
    coalesce(h.consecutive_failures, 0)::BIGINT AS consecutive_failures,
    coalesce(co.observations, 0)            AS observations,
    co.newest_period,
    h.last_sample                           AS sample,
    j.state,
    j.reason                                AS state_reason,
    j.judged_at,
    j.expected_period,
    j.due_by
FROM all_series AS se
JOIN sources AS src ON src.id = se.source_id
LEFT JOIN series_health AS h
    ON h.source_id = se.source_id AND h.destination IS NOT DISTINCT FROM se.destination
LEFT JOIN current_obs AS co
    ON co.source_id = se.source_id AND co.destination IS NOT DISTINCT FROM se.destination
LEFT JOIN judged AS j
    ON j.source_id = se.source_id AND j.destination IS NOT DISTINCT FROM se.destination
ORDER BY se.destination, src.id;

COMMENT ON VIEW source_health IS 'One row per series, a series being one source''s figures for one destination (a one-country source has one; a source answering for many countries one per destination its answers held, or one row with no destination before any): how its latest attempt went, when it last succeeded, how many runs in a row it has failed, the newest period it has published, and its state as the latest run that attempted it judged it (source_states): the one state emigre run, status, sources, the report and the dashboard show.';
COMMENT ON COLUMN source_health.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN source_health.destination IS 'ISO 3166-1 alpha-2 code of the country whose statistics these are: the series'' destination; NULL for a multi-country source none of whose answers was read yet.';
COMMENT ON COLUMN source_health.title IS 'Human title of the source.';
COMMENT ON COLUMN source_health.cadence IS 'How often the publisher adds a period.';
COMMENT ON COLUMN source_health.lag_months IS 'Usual publication delay in months.';
COMMENT ON COLUMN source_health.is_statement IS 'True for official statements.';
COMMENT ON COLUMN source_health.last_run_id IS 'The latest run that attempted the source; NULL when none has.';
COMMENT ON COLUMN source_health.last_run_at IS 'When that run started (UTC).';
COMMENT ON COLUMN source_health.last_status IS 'The series'' status in that run: ok, unchanged, failed, not_configured, not_archived, or absent (the source''s answer no longer held this destination).';
COMMENT ON COLUMN source_health.last_stage IS 'For a failure, the stage that failed (fetch, parse, map, load).';
COMMENT ON COLUMN source_health.last_http_status IS 'HTTP status of the last response in that run.';
COMMENT ON COLUMN source_health.last_error IS 'The error of the latest attempt, when it failed.';
COMMENT ON COLUMN source_health.last_rows IS 'Observations the source produced in the latest attempt.';
COMMENT ON COLUMN source_health.last_duration_ms IS 'Wall time of the latest attempt in milliseconds.';
COMMENT ON COLUMN source_health.last_success_at IS 'When the latest run in which the source loaded or was unchanged finished (UTC); NULL when it never succeeded.';
COMMENT ON COLUMN source_health.consecutive_failures IS 'Runs in a row, up to the latest, in which the source failed; 0 when the latest attempt succeeded.';
COMMENT ON COLUMN source_health.observations IS 'Current non-missing observations of the series (observations_current).';
COMMENT ON COLUMN source_health.newest_period IS 'Newest period_end among the series'' current non-missing observations: what the source has published up to for this destination.';
COMMENT ON COLUMN source_health.sample IS 'True when the latest attempt ran on the sample archive.';
COMMENT ON COLUMN source_health.state IS 'The series'' state as last judged: ok, stale (a period the publication calendar says is out, past the grace period, is missing, or the destination is gone from the answer), failing, broken, dead-link, unknown (never succeeded yet), not-configured or not-archived (the run did not ask the publisher); NULL when no run has judged it.';
COMMENT ON COLUMN source_health.state_reason IS 'Why the series is in that state, in words.';
COMMENT ON COLUMN source_health.judged_at IS 'The instant the state holds for: when the series'' bytes were fetched (an offline replay: the archive''s fetch time, not the day of the replay).';
COMMENT ON COLUMN source_health.expected_period IS 'The newest period the publication calendar says should be out by judged_at; NULL without a calendar.';
COMMENT ON COLUMN source_health.due_by IS 'When expected_period was due.';

-------------------------------------------------------------------------------
-- coverage_gaps: countries the estimate cannot see.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW coverage_gaps AS
WITH catalogue AS (
    -- A one-country source's destination, and each country a multi-country
    -- source covers.
    SELECT destination, list(DISTINCT id ORDER BY id) AS source_ids
    FROM (
        SELECT id, destination FROM sources WHERE destination IS NOT NULL
        UNION ALL
        SELECT id, unnest(covers) AS destination FROM sources WHERE covers IS NOT NULL
    )
    GROUP BY destination
),
with_data AS (
    SELECT DISTINCT destination
    FROM observations_current
    WHERE NOT missing
)
SELECT
    c.code                                                       AS destination,
    c.name                                                       AS country_name,
    c.alpha3,
    CASE WHEN cat.destination IS NULL THEN 'no_source' ELSE 'no_data' END AS gap,
    coalesce(cat.source_ids, [])                                 AS source_ids
FROM countries AS c
LEFT JOIN catalogue AS cat ON cat.destination = c.code
WHERE c.code NOT IN (SELECT destination FROM with_data)
  -- The citizens' own country is the origin, never a destination.
  AND c.code NOT IN (SELECT origin FROM runs)
ORDER BY gap, c.name;

COMMENT ON VIEW coverage_gaps IS 'Countries that no current number describes, by name: those with no source in the catalogue (gap = no_source) and those whose sources have never delivered a usable number (gap = no_data). The estimate and estimate_total leave them out; they are unknown, not zero. Countries that were a run''s origin are not listed.';
COMMENT ON COLUMN coverage_gaps.destination IS 'ISO 3166-1 alpha-2 code of the country (countries.code).';
COMMENT ON COLUMN coverage_gaps.country_name IS 'English short name of the country (countries.name).';
COMMENT ON COLUMN coverage_gaps.alpha3 IS 'ISO 3166-1 alpha-3 code of the country.';
COMMENT ON COLUMN coverage_gaps.gap IS 'no_source: the catalogue has no source for the country; no_data: it has sources, but none has a current non-missing observation (they failed or published only missing cells).';
COMMENT ON COLUMN coverage_gaps.source_ids IS 'The catalogue sources for the country (sources.id); empty for no_source.';
