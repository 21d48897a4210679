-------------------------------------------------------------------------------
-- 0010_estimate_scope.sql: what counts toward the total, the estimate at any
-- reference date, and the parts of a sum of gross components
-- (docs/method.md).
--
-- estimates and estimate_methods gain in_total. Rows written before this
-- migration knew one reason to leave a row out, stock_without_baseline, so
-- they are filled from that flag; later runs write it themselves.
-------------------------------------------------------------------------------

ALTER TABLE estimates ADD COLUMN in_total BOOLEAN;
UPDATE estimates SET in_total = NOT list_contains(flags, 'stock_without_baseline');
COMMENT ON COLUMN estimates.in_total IS 'True when the figure measures a change since the window start (a stock against a baseline, net or gross flows, a stated change since about the window start, stated flows covering every period from it): only these rows enter estimate_total.net and low. False rows keep their figure in net and say why in flags (stock_without_baseline, since_far_from_window, gap_in_flows); high includes them.';

ALTER TABLE estimate_methods ADD COLUMN in_total BOOLEAN;
UPDATE estimate_methods SET in_total = NOT list_contains(flags, 'stock_without_baseline');
COMMENT ON COLUMN estimate_methods.in_total IS 'True when this method''s figure measures a change since the window start (see estimates.in_total).';

-- Which sources a report must say are read from a third party's copy.
ALTER TABLE sources ADD COLUMN verified_how VARCHAR;
COMMENT ON COLUMN sources.verified_how IS 'How the source''s request is known to be right: documentation, public client, publisher page, third party (the publisher''s figures as a third party parsed or copied them, pinned at a version: not the publisher''s bytes) or unverified. The evidence is in notes.';

-------------------------------------------------------------------------------
-- estimate_series: each run's estimate as of every reference date.
-------------------------------------------------------------------------------
CREATE TABLE estimate_series (
    run_id      VARCHAR   NOT NULL,
    destination VARCHAR   NOT NULL,
    citizenship VARCHAR   NOT NULL,
    ref_date    DATE      NOT NULL,
    net         DOUBLE    NOT NULL,
    low         DOUBLE    NOT NULL,
    high        DOUBLE    NOT NULL,
    method      VARCHAR   NOT NULL,
    as_of       DATE      NOT NULL,
    in_total    BOOLEAN   NOT NULL,
    flags       VARCHAR[] NOT NULL DEFAULT [],
    source_id   VARCHAR,
    PRIMARY KEY (run_id, destination, citizenship, ref_date)
);

COMMENT ON TABLE estimate_series IS 'The estimate per destination as it stood on each reference date, computed by each run from only the observations whose period ends, or whose reference date falls, on or before ref_date (a stock on 1 January counts on the 31 December before): every 31 December from the window start''s year, and the newest as_of. latest_estimate_series shows the newest run''s rows; estimate_history is the estimate per run instead.';
COMMENT ON COLUMN estimate_series.run_id IS 'The run that computed the series (runs.run_id); its window_start and origin are the parameters.';
COMMENT ON COLUMN estimate_series.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN estimate_series.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN estimate_series.ref_date IS 'The date the estimate is as of: a 31 December, or the newest as_of of the run (a year not yet over is represented by the date its data stop at).';
COMMENT ON COLUMN estimate_series.net IS 'Net persons still there as of ref_date, by the chosen method (see estimates.net).';
COMMENT ON COLUMN estimate_series.low IS 'Lowest net over every method the data up to ref_date support.';
COMMENT ON COLUMN estimate_series.high IS 'Highest net over every method the data up to ref_date support.';
COMMENT ON COLUMN estimate_series.method IS 'The method of the chosen figure: stock_change, net_flows, gross_flows or statement.';
COMMENT ON COLUMN estimate_series.as_of IS 'End of the latest period, or latest reference date, the estimate used: on or before ref_date, or 1 January after it for a stock of that day.';
COMMENT ON COLUMN estimate_series.in_total IS 'True when the figure measures a change since the window start and enters the total (see estimates.in_total).';
COMMENT ON COLUMN estimate_series.flags IS 'Caveats as a list (gross, stock_without_baseline, gap_in_flows, since_far_from_window, prorated).';
COMMENT ON COLUMN estimate_series.source_id IS 'The source whose series the method used (sources.id); comma-separated when several.';

-------------------------------------------------------------------------------
-- estimate_total_series: each run's total as of every reference date.
-------------------------------------------------------------------------------
CREATE TABLE estimate_total_series (
    run_id                 VARCHAR NOT NULL,
    citizenship            VARCHAR NOT NULL,
    ref_date               DATE    NOT NULL,
    net                    DOUBLE  NOT NULL,
    low                    DOUBLE  NOT NULL,
    high                   DOUBLE  NOT NULL,
    not_in_total           DOUBLE  NOT NULL,
    countries              INTEGER NOT NULL,
    countries_not_in_total INTEGER NOT NULL,
    PRIMARY KEY (run_id, citizenship, ref_date)
);

COMMENT ON TABLE estimate_total_series IS 'The total over destinations as it stood on each reference date, per run: the sum of estimate_series of the same run and date. latest_estimate_total_series shows the newest run''s rows; the report''s total over time reads them.';
COMMENT ON COLUMN estimate_total_series.run_id IS 'The run that computed it (runs.run_id).';
COMMENT ON COLUMN estimate_total_series.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN estimate_total_series.ref_date IS 'The date the total is as of (see estimate_series.ref_date).';
COMMENT ON COLUMN estimate_total_series.net IS 'Sum of net over the destinations in the total (in_total) as of ref_date.';
COMMENT ON COLUMN estimate_total_series.low IS 'Sum of low over the destinations in the total.';
COMMENT ON COLUMN estimate_total_series.high IS 'Sum of high over every destination, those not in the total included.';
COMMENT ON COLUMN estimate_total_series.not_in_total IS 'Sum of net over the destinations not in the total (stocks without a baseline, changes since a date far from the window start, flows with a gap).';
COMMENT ON COLUMN estimate_total_series.countries IS 'How many destinations are in the total.';
COMMENT ON COLUMN estimate_total_series.countries_not_in_total IS 'How many destinations have a figure that is not in the total.';

-------------------------------------------------------------------------------
-- estimate_components: the parts of a sum of gross components.
-------------------------------------------------------------------------------
CREATE TABLE estimate_components (
    run_id       VARCHAR NOT NULL,
    destination  VARCHAR NOT NULL,
    citizenship  VARCHAR NOT NULL,
    component    VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    metric       VARCHAR NOT NULL,
    value        DOUBLE  NOT NULL,
    period_start DATE    NOT NULL,
    period_end   DATE    NOT NULL,
    gap          BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, destination, citizenship, component)
);

COMMENT ON TABLE estimate_components IS 'The named parts of a destination whose estimate is a sum of gross components (the United States: immigrant visas, long-term nonimmigrant visas, asylum applications; see docs/method.md), per run. The parts add up to the gross_flows row of estimate_methods whose source_id lists them; they are not alternative methods, so low and high do not range over them.';
COMMENT ON COLUMN estimate_components.run_id IS 'The run that computed it (runs.run_id).';
COMMENT ON COLUMN estimate_components.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN estimate_components.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN estimate_components.component IS 'The part''s name, as the catalogue''s sums.yaml names it.';
COMMENT ON COLUMN estimate_components.source_id IS 'The sources read for the part (sources.id), comma-separated: one part may come from several files, each covering its own months.';
COMMENT ON COLUMN estimate_components.metric IS 'The metric summed (permits_first, asylum_applications, ...).';
COMMENT ON COLUMN estimate_components.value IS 'Persons over the part''s whole periods from period_start to period_end: a gross inflow.';
COMMENT ON COLUMN estimate_components.period_start IS 'First day summed (the window start unless gap).';
COMMENT ON COLUMN estimate_components.period_end IS 'Last day summed: each part runs to its own newest whole period, so parts may end on different dates.';
COMMENT ON COLUMN estimate_components.gap IS 'True when the part does not cover every period from the window start to period_end; the sum is then flagged gap_in_flows and is not in the total.';

-- The method's definitions moved into the repository.
COMMENT ON TABLE estimates IS 'How many citizens moved to each destination since the window start and are still there, net of those who went back: one row per destination per run, from the first result the data support, results that measure a change since the window start first (see docs/method.md). in_total says whether the row enters the total. latest_estimates shows the newest run''s rows.';
COMMENT ON COLUMN estimates.flags IS 'Caveats as a list: gross (returns unknown), prorated (a period straddling the window start was pro-rated by days), and why a row is not in the total: stock_without_baseline (a stated stock with no pre-war figure of the same concept), since_far_from_window (a stated change since a date more than 3 months from the window start), gap_in_flows (flows that do not cover every period from the window start). Empty when none. Test with list_contains(flags, ''gross'').';
COMMENT ON COLUMN estimate_methods.flags IS 'Caveats as a list (gross, prorated, stock_without_baseline, since_far_from_window, gap_in_flows); empty when none.';
