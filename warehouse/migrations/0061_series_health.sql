-- 0061_series_health.sql: each series' health kept up to date run by run.
--
-- source_health used to recompute every series' latest attempt, last
-- success and failures in a row from all of run_sources at every read, so
-- reading it (and judging the sources, which every refresh does) cost more
-- with every run kept. series_health holds the answer instead: the loader
-- updates it from each run's run_sources rows when it records the run
-- (load.InsertRun), and source_health reads it. This migration fills it
-- from the runs recorded so far, by the view's former rules.

CREATE TABLE series_health (
    source_id               VARCHAR     NOT NULL,
    destination             VARCHAR,
    last_run_id             VARCHAR     NOT NULL,
    last_run_at             TIMESTAMPTZ NOT NULL,
    last_status             VARCHAR     NOT NULL,
    last_stage              VARCHAR,
    last_http_status        INTEGER,
    last_error              VARCHAR,
    last_rows               INTEGER,
    last_duration_ms        BIGINT,
    last_sample             BOOLEAN,
    last_success_started_at TIMESTAMPTZ,
    last_success_at         TIMESTAMPTZ,
    consecutive_failures    INTEGER     NOT NULL
);

COMMENT ON TABLE series_health IS 'Per series (one source''s figures for one destination), its latest attempt, last success and failures in a row, updated by every run as it is recorded: what source_health shows, kept so that reading it does not cost more with every run kept. One row per series (no index, to keep a refresh''s memory down).';
COMMENT ON COLUMN series_health.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN series_health.destination IS 'The series'' destination (run_sources.destination, else the source''s own); NULL for a multi-country source none of whose destinations is known.';
COMMENT ON COLUMN series_health.last_run_id IS 'The latest run (by start time) that attempted the series (runs.run_id).';
COMMENT ON COLUMN series_health.last_run_at IS 'When that run started (UTC).';
COMMENT ON COLUMN series_health.last_status IS 'The series'' status in that run (run_sources.status).';
COMMENT ON COLUMN series_health.last_stage IS 'The stage that failed in that run, for a failure.';
COMMENT ON COLUMN series_health.last_http_status IS 'HTTP status of the last response in that run.';
COMMENT ON COLUMN series_health.last_error IS 'The error of that attempt, when it failed.';
COMMENT ON COLUMN series_health.last_rows IS 'Observations the source produced in that attempt.';
COMMENT ON COLUMN series_health.last_duration_ms IS 'Wall time of that attempt in milliseconds.';
COMMENT ON COLUMN series_health.last_sample IS 'True when that run used the sample archive (runs.sample).';
COMMENT ON COLUMN series_health.last_success_started_at IS 'When the latest run in which the series loaded or was unchanged started (UTC); NULL when never.';
COMMENT ON COLUMN series_health.last_success_at IS 'When that run finished (its start when not recorded) (UTC); NULL when never.';
COMMENT ON COLUMN series_health.consecutive_failures IS 'Failed attempts since the last success (all of them when it never succeeded).';

INSERT INTO series_health
WITH attempts AS (
    SELECT
        rs.source_id,
        coalesce(rs.destination, s.destination) AS destination,
        rs.status, rs.stage, rs.http_status, rs.error, rs.rows, rs.duration_ms,
        rs.run_id, r.started_at, r.finished_at, r.sample,
        row_number() OVER (PARTITION BY rs.source_id, coalesce(rs.destination, s.destination)
                           ORDER BY r.started_at DESC, rs.run_id DESC) AS recency
    FROM run_sources AS rs
    JOIN runs AS r ON r.run_id = rs.run_id
    LEFT JOIN sources AS s ON s.id = rs.source_id
),
success AS (
    SELECT source_id, destination, max(started_at) AS started_at,
           max(coalesce(finished_at, started_at)) AS success_at
    FROM attempts
    WHERE status IN ('ok', 'unchanged')
    GROUP BY ALL
),
failures AS (
    SELECT a.source_id, a.destination, count(*) AS n
    FROM attempts AS a
    LEFT JOIN success AS s ON s.source_id = a.source_id AND s.destination IS NOT DISTINCT FROM a.destination
    WHERE a.status = 'failed' AND (s.started_at IS NULL OR a.started_at > s.started_at)
    GROUP BY ALL
)
SELECT a.source_id, a.destination, a.run_id, a.started_at, a.status, a.stage, a.http_status, a.error,
       a.rows, a.duration_ms, a.sample, s.started_at, s.success_at, coalesce(f.n, 0)
FROM attempts AS a
LEFT JOIN success AS s ON s.source_id = a.source_id AND s.destination IS NOT DISTINCT FROM a.destination
LEFT JOIN failures AS f ON f.source_id = a.source_id AND f.destination IS NOT DISTINCT FROM a.destination
WHERE a.recency = 1;
