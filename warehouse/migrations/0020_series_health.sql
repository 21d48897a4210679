-- 0020_series_health.sql: health, runs and alerts per series, a series being
-- one source's figures for one destination.
--
-- A source may answer for many countries in one request (Eurostat's
-- datasets, UNHCR's countries of asylum). Each (source, destination) is then
-- a series of its own: run_sources gets a row per destination of the answer
-- (a destination an earlier answer held and this one lacks is 'absent'),
-- source_states a judgement per series, alerts the destination they are
-- about. A source answering for one country has one series, its own.
-- Columns are only added; the tables whose key changes (run_sources,
-- source_states: the destination joins the source in it) are rebuilt with
-- the same columns, the new one at the end, and every row kept. Views are
-- recreated on every read-write open (views.sql).

-------------------------------------------------------------------------------
-- sources: a multi-country source has no single destination.
-------------------------------------------------------------------------------
ALTER TABLE sources ALTER COLUMN destination DROP NOT NULL;
UPDATE sources SET destination = NULL WHERE destination = '';
ALTER TABLE sources ADD COLUMN covers VARCHAR[];

COMMENT ON COLUMN sources.destination IS 'ISO 3166-1 alpha-2 code of the country whose statistics these are (the country people moved to); NULL for a source that answers for many countries (covers lists them, and each figure names its destination).';
COMMENT ON COLUMN sources.covers IS 'For a source that answers for many countries in one request (Eurostat''s reporting countries, UNHCR''s countries of asylum): the ISO 3166-1 alpha-2 codes its answer is documented to cover; NULL for a one-country source.';

-------------------------------------------------------------------------------
-- run_sources: one row per series per run.
-------------------------------------------------------------------------------
CREATE TABLE run_sources_0020 (
    run_id        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'unchanged', 'failed', 'not_configured', 'not_archived', 'absent')),
    stage         VARCHAR CHECK (stage IN ('fetch', 'parse', 'map', 'load')),
    http_status   INTEGER,
    bytes         BIGINT,
    rows          INTEGER,
    duration_ms   BIGINT,
    error         VARCHAR,
    obs_inserted  INTEGER,
    obs_revised   INTEGER,
    obs_unchanged INTEGER,
    destination   VARCHAR,
    UNIQUE (run_id, source_id, destination)
);

INSERT INTO run_sources_0020
SELECT rs.run_id, rs.source_id, rs.status, rs.stage, rs.http_status, rs.bytes, rs.rows, rs.duration_ms,
       rs.error, rs.obs_inserted, rs.obs_revised, rs.obs_unchanged, s.destination
FROM run_sources AS rs
LEFT JOIN sources AS s ON s.id = rs.source_id;
DROP TABLE run_sources;
ALTER TABLE run_sources_0020 RENAME TO run_sources;

COMMENT ON TABLE run_sources IS 'What happened to each series in each run, a series being one source''s figures for one destination: whether it loaded, where it failed, how big and slow the source''s answer was. A one-country source has one row per run; a source answering for many countries has one per destination its answer held or an earlier answer held. source_health summarises it.';
COMMENT ON COLUMN run_sources.run_id IS 'The run (runs.run_id).';
COMMENT ON COLUMN run_sources.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN run_sources.status IS 'ok: loaded; unchanged: the publisher had nothing new for the series; failed: see stage and error (a failed source keeps what earlier runs loaded); not_configured: not fetched, the live run lacked a credential the source needs (error says which environment variable); not_archived: not fetched, the offline replay''s archive holds no answer for it (a live-only source in the sample); absent: the source''s answer loaded but no longer holds figures for this destination, which an earlier answer held (the publisher stopped publishing that country; its figures are kept). Neither not_configured nor not_archived is a failure.';
COMMENT ON COLUMN run_sources.stage IS 'For a failure, the stage that failed: fetch (network, HTTP), parse (format reader), map (codes, dimensions) or load (warehouse). For ok and unchanged, the last stage reached; NULL when not recorded.';
COMMENT ON COLUMN run_sources.http_status IS 'HTTP status of the source''s last response (200, 304, 404, ...); NULL when no response arrived or the source was replayed without one.';
COMMENT ON COLUMN run_sources.bytes IS 'Bytes received from the publisher across the source''s requests: the whole answer, repeated on each destination''s row of a source that answers for many countries (do not sum it over destinations).';
COMMENT ON COLUMN run_sources.rows IS 'Observations of this series the source produced in this run (before vintage comparison).';
COMMENT ON COLUMN run_sources.duration_ms IS 'Wall time spent on the source, fetch to load, in milliseconds: the whole answer''s, repeated on each destination''s row.';
COMMENT ON COLUMN run_sources.error IS 'The error message when status = failed, what to do when not_configured or not_archived, and the earlier answer when absent; NULL otherwise.';
COMMENT ON COLUMN run_sources.obs_inserted IS 'Observations of this series seen for the first time in this run; NULL when not loaded.';
COMMENT ON COLUMN run_sources.obs_revised IS 'Observations of this series whose published value, missing mark or flags changed since the previous vintage; NULL when not loaded.';
COMMENT ON COLUMN run_sources.obs_unchanged IS 'Observations of this series identical to the current vintage (no new row written); NULL when not loaded.';
COMMENT ON COLUMN run_sources.destination IS 'ISO 3166-1 alpha-2 code of the series'' destination: the source''s own for a one-country source; for a source answering for many countries, one destination of its answer. NULL when a multi-country source was not read and no destination of it is known yet (never loaded for the run''s origin).';

-------------------------------------------------------------------------------
-- source_states: one judgement per series per run.
-------------------------------------------------------------------------------
CREATE TABLE source_states_0020 (
    run_id               VARCHAR     NOT NULL,
    source_id            VARCHAR     NOT NULL,
    state                VARCHAR     NOT NULL CHECK (state IN ('ok', 'stale', 'failing', 'broken', 'dead-link', 'unknown')),
    reason               VARCHAR     NOT NULL,
    judged_at            TIMESTAMPTZ NOT NULL,
    newest_period        DATE,
    expected_period      DATE,
    due_by               DATE,
    consecutive_failures INTEGER     NOT NULL,
    destination          VARCHAR,
    UNIQUE (run_id, source_id, destination)
);

INSERT INTO source_states_0020
SELECT ss.run_id, ss.source_id, ss.state, ss.reason, ss.judged_at, ss.newest_period, ss.expected_period,
       ss.due_by, ss.consecutive_failures, s.destination
FROM source_states AS ss
LEFT JOIN sources AS s ON s.id = ss.source_id;
DROP TABLE source_states;
ALTER TABLE source_states_0020 RENAME TO source_states;

COMMENT ON TABLE source_states IS 'The state of each series (one source''s figures for one destination) as judged by each run that attempted its source: ok, stale (a period overdue, or the destination gone from the source''s answer), failing (several runs in a row failed), broken (fetched but no longer parses), dead-link (a statement''s page is gone) or unknown (never succeeded yet). Alerts open and resolve on changes of this state.';
COMMENT ON COLUMN source_states.run_id IS 'The run that judged (runs.run_id).';
COMMENT ON COLUMN source_states.source_id IS 'The source judged (sources.id).';
COMMENT ON COLUMN source_states.state IS 'ok, stale, failing, broken, dead-link or unknown. Precedence when several hold: dead-link, broken, failing, unknown, stale.';
COMMENT ON COLUMN source_states.reason IS 'Why, in words: the overdue period and its due date, the destination missing from the answer, the error of the failed fetch or parse, the HTTP status of a gone page.';
COMMENT ON COLUMN source_states.judged_at IS 'The instant the state holds for (UTC): when the source''s bytes were fetched (the archive''s fetched_at), so a replayed archive is judged as of its own day; the run''s time when nothing was fetched.';
COMMENT ON COLUMN source_states.newest_period IS 'Newest period_end among the series'' current non-missing observations after the run; NULL when it has none.';
COMMENT ON COLUMN source_states.expected_period IS 'End (or reference date) of the newest period the publication calendar (cadence and lag_months) says should be out by judged_at; NULL for sources without a calendar (statements).';
COMMENT ON COLUMN source_states.due_by IS 'The date by which expected_period was due: the end of the month lag_months after the period. stale means a period due more than the grace period before judged_at is still missing.';
COMMENT ON COLUMN source_states.consecutive_failures IS 'Runs in a row, this one included, in which the source failed; 0 when it succeeded in this run.';
COMMENT ON COLUMN source_states.destination IS 'ISO 3166-1 alpha-2 code of the series'' destination (run_sources.destination); NULL for a multi-country source judged before any destination of it is known.';

-------------------------------------------------------------------------------
-- alerts: about one series.
-------------------------------------------------------------------------------
ALTER TABLE alerts ADD COLUMN destination VARCHAR;
UPDATE alerts SET destination = (SELECT s.destination FROM sources AS s WHERE s.id = alerts.source_id);

COMMENT ON COLUMN alerts.destination IS 'ISO 3166-1 alpha-2 code of the destination of the series the alert is about (one source''s figures for one country): the source''s own for a one-country source; NULL for alerts about the pipeline or about a multi-country source before any destination of it is known.';

-------------------------------------------------------------------------------
-- estimates.flags: a stock change across a break in series says so.
-------------------------------------------------------------------------------
COMMENT ON COLUMN estimates.flags IS 'Caveats as a list: gross (returns unknown), stock_without_baseline, prorated (a period straddling the window start was pro-rated by days), series_break (a stock after the baseline and up to as_of is flagged as a break in series, status b: part of the change may be one of method), sample (computed from sample data), ... Empty when none. Test with list_contains(flags, ''gross'').';
COMMENT ON COLUMN estimate_methods.flags IS 'Caveats as a list (gross, stock_without_baseline, prorated, series_break, ...); empty when none.';
