-- views.sql: the views analysts query.
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
-- latest_estimates: the estimate per destination from the newest run.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW latest_estimates AS
WITH estimate_runs AS (
    SELECT DISTINCT e.citizenship, e.run_id, r.started_at
    FROM estimates AS e
    JOIN runs AS r ON r.run_id = e.run_id
),
latest_run AS (
    -- Per citizenship, so that a run for another origin does not hide the
    -- default origin's estimates.
    SELECT citizenship, run_id
    FROM estimate_runs
    QUALIFY row_number() OVER (PARTITION BY citizenship ORDER BY started_at DESC, run_id DESC) = 1
)
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
    r.sample
FROM estimates AS e
JOIN latest_run AS l
    ON l.citizenship = e.citizenship
   AND l.run_id = e.run_id
JOIN runs AS r ON r.run_id = e.run_id
ORDER BY e.citizenship, e.net DESC, e.destination;

COMMENT ON VIEW latest_estimates IS 'The estimate per destination from the newest run (by start time) that computed estimates for each citizenship: how many citizens moved there since the window start and are still there. Destinations without any source have no row; they are not zero.';
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
COMMENT ON COLUMN latest_estimates.flags IS 'Caveats as a list (gross, stock_without_baseline, prorated, ...).';
COMMENT ON COLUMN latest_estimates.net_excess IS 'Net minus the 2019-2021 trend; NULL when that period is not covered.';
COMMENT ON COLUMN latest_estimates.run_id IS 'The run that computed these estimates.';
COMMENT ON COLUMN latest_estimates.window_start IS 'The run''s window start: net counts moves since this date.';
COMMENT ON COLUMN latest_estimates.sample IS 'True when the run used the sample archive: not figures to quote.';

-------------------------------------------------------------------------------
-- estimate_total: the sum over destinations.
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW estimate_total AS
SELECT
    citizenship,
    sum(net)                    AS net,
    sum(low)                    AS low,
    sum(high)                   AS high,
    count(DISTINCT destination) AS countries,
    max(as_of)                  AS as_of,
    min(as_of)                  AS oldest_as_of,
    any_value(run_id)           AS run_id,
    bool_or(sample)             AS sample
FROM latest_estimates
GROUP BY citizenship
ORDER BY citizenship;

COMMENT ON VIEW estimate_total IS 'The total over destinations of latest_estimates, per citizenship. Destinations without a source are not counted (not as zero either), and people who moved on from one destination to another may be counted in both.';
COMMENT ON COLUMN estimate_total.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN estimate_total.net IS 'Sum of the chosen net over destinations.';
COMMENT ON COLUMN estimate_total.low IS 'Sum of the per-destination low bounds.';
COMMENT ON COLUMN estimate_total.high IS 'Sum of the per-destination high bounds.';
COMMENT ON COLUMN estimate_total.countries IS 'How many destinations contributed.';
COMMENT ON COLUMN estimate_total.as_of IS 'The latest as_of among the destinations.';
COMMENT ON COLUMN estimate_total.oldest_as_of IS 'The earliest as_of among the destinations: the total mixes dates between oldest_as_of and as_of.';
COMMENT ON COLUMN estimate_total.run_id IS 'The run the figures come from.';
COMMENT ON COLUMN estimate_total.sample IS 'True when the run used the sample archive.';

-------------------------------------------------------------------------------
-- source_health: is each source still answering and publishing?
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW source_health AS
WITH attempts AS (
    SELECT
        rs.*,
        r.started_at,
        r.finished_at,
        r.sample,
        row_number() OVER (PARTITION BY rs.source_id ORDER BY r.started_at DESC, rs.run_id DESC) AS recency
    FROM run_sources AS rs
    JOIN runs AS r ON r.run_id = rs.run_id
),
last_attempt AS (
    SELECT * FROM attempts WHERE recency = 1
),
last_success AS (
    SELECT
        source_id,
        max(started_at)                         AS started_at,
        max(coalesce(finished_at, started_at))  AS success_at
    FROM attempts
    WHERE status IN ('ok', 'unchanged')
    GROUP BY source_id
),
failures AS (
    -- Failures since the last success (all of them when it never succeeded).
    SELECT a.source_id, count(*) AS consecutive_failures
    FROM attempts AS a
    LEFT JOIN last_success AS s ON s.source_id = a.source_id
    WHERE a.status = 'failed'
      AND (s.started_at IS NULL OR a.started_at > s.started_at)
    GROUP BY a.source_id
),
current_obs AS (
    SELECT
        source_id,
        count(*) FILTER (WHERE NOT missing)         AS observations,
        max(period_end) FILTER (WHERE NOT missing)  AS newest_period
    FROM observations_current
    GROUP BY source_id
)
SELECT
    src.id                                  AS source_id,
    src.destination,
    src.title,
    src.cadence,
    src.lag_months,
    src.is_statement,
    la.run_id                               AS last_run_id,
    la.started_at                           AS last_run_at,
    la.status                               AS last_status,
    la.stage                                AS last_stage,
    la.http_status                          AS last_http_status,
    la.error                                AS last_error,
    la.rows                                 AS last_rows,
    la.duration_ms                          AS last_duration_ms,
    ls.success_at                           AS last_success_at,
    coalesce(f.consecutive_failures, 0)     AS consecutive_failures,
    coalesce(co.observations, 0)            AS observations,
    co.newest_period,
    la.sample
FROM sources AS src
LEFT JOIN last_attempt AS la ON la.source_id = src.id
LEFT JOIN last_success AS ls ON ls.source_id = src.id
LEFT JOIN failures AS f ON f.source_id = src.id
LEFT JOIN current_obs AS co ON co.source_id = src.id
ORDER BY src.destination, src.id;

COMMENT ON VIEW source_health IS 'One row per catalogue source: how its latest attempt went, when it last succeeded, how many runs in a row it has failed, and the newest period it has published. Staleness is judged from newest_period, cadence and lag_months.';
COMMENT ON COLUMN source_health.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN source_health.destination IS 'ISO 3166-1 alpha-2 code of the country whose statistics these are.';
COMMENT ON COLUMN source_health.title IS 'Human title of the source.';
COMMENT ON COLUMN source_health.cadence IS 'How often the publisher adds a period.';
COMMENT ON COLUMN source_health.lag_months IS 'Usual publication delay in months.';
COMMENT ON COLUMN source_health.is_statement IS 'True for official statements.';
COMMENT ON COLUMN source_health.last_run_id IS 'The latest run that attempted the source; NULL when none has.';
COMMENT ON COLUMN source_health.last_run_at IS 'When that run started (UTC).';
COMMENT ON COLUMN source_health.last_status IS 'ok, unchanged or failed in that run.';
COMMENT ON COLUMN source_health.last_stage IS 'For a failure, the stage that failed (fetch, parse, map, load).';
COMMENT ON COLUMN source_health.last_http_status IS 'HTTP status of the last response in that run.';
COMMENT ON COLUMN source_health.last_error IS 'The error of the latest attempt, when it failed.';
COMMENT ON COLUMN source_health.last_rows IS 'Observations the source produced in the latest attempt.';
COMMENT ON COLUMN source_health.last_duration_ms IS 'Wall time of the latest attempt in milliseconds.';
COMMENT ON COLUMN source_health.last_success_at IS 'When the latest run in which the source loaded or was unchanged finished (UTC); NULL when it never succeeded.';
COMMENT ON COLUMN source_health.consecutive_failures IS 'Runs in a row, up to the latest, in which the source failed; 0 when the latest attempt succeeded.';
COMMENT ON COLUMN source_health.observations IS 'Current non-missing observations of the source (observations_current).';
COMMENT ON COLUMN source_health.newest_period IS 'Newest period_end among the source''s current non-missing observations: what the source has published up to.';
COMMENT ON COLUMN source_health.sample IS 'True when the latest attempt ran on the sample archive.';
