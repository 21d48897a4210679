-- 0005_run_source_skips.sql: a source a run did not fetch is not a failure.
--
-- Two new statuses for run_sources: not_configured (a live run lacked a
-- credential the source's API needs) and not_archived (an offline replay's
-- archive holds no answer for the source). DuckDB cannot alter a CHECK
-- constraint, so the table is rebuilt with the same columns and rows; the
-- views are recreated on every read-write open (views.sql).

CREATE TABLE run_sources_0005 (
    run_id        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'unchanged', 'failed', 'not_configured', 'not_archived')),
    stage         VARCHAR CHECK (stage IN ('fetch', 'parse', 'map', 'load')),
    http_status   INTEGER,
    bytes         BIGINT,
    rows          INTEGER,
    duration_ms   BIGINT,
    error         VARCHAR,
    obs_inserted  INTEGER,
    obs_revised   INTEGER,
    obs_unchanged INTEGER,
    PRIMARY KEY (run_id, source_id)
);

INSERT INTO run_sources_0005 SELECT * FROM run_sources;
DROP TABLE run_sources;
ALTER TABLE run_sources_0005 RENAME TO run_sources;

COMMENT ON TABLE run_sources IS 'One row per source per run: whether it loaded, where it failed, and how big and slow it was. source_health summarises it.';
COMMENT ON COLUMN run_sources.run_id IS 'The run (runs.run_id).';
COMMENT ON COLUMN run_sources.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN run_sources.status IS 'ok: loaded; unchanged: the publisher had nothing new; failed: see stage and error (a failed source keeps what earlier runs loaded); not_configured: not fetched, the live run lacked a credential the source needs (error says which environment variable); not_archived: not fetched, the offline replay''s archive holds no answer for it (a live-only source in the sample). Neither of the last two is a failure.';
COMMENT ON COLUMN run_sources.stage IS 'For a failure, the stage that failed: fetch (network, HTTP), parse (format reader), map (codes, dimensions) or load (warehouse). For ok and unchanged, the last stage reached; NULL when not recorded.';
COMMENT ON COLUMN run_sources.http_status IS 'HTTP status of the source''s last response (200, 304, 404, ...); NULL when no response arrived or the source was replayed without one.';
COMMENT ON COLUMN run_sources.bytes IS 'Bytes received from the publisher across the source''s requests.';
COMMENT ON COLUMN run_sources.rows IS 'Observations the source produced in this run (before vintage comparison).';
COMMENT ON COLUMN run_sources.duration_ms IS 'Wall time spent on the source, fetch to load, in milliseconds.';
COMMENT ON COLUMN run_sources.error IS 'The error message when status = failed, and what to do when not_configured or not_archived; NULL otherwise.';
COMMENT ON COLUMN run_sources.obs_inserted IS 'Observations of this source seen for the first time in this run; NULL when not loaded.';
COMMENT ON COLUMN run_sources.obs_revised IS 'Observations whose published value, missing mark or flags changed since the previous vintage; NULL when not loaded.';
COMMENT ON COLUMN run_sources.obs_unchanged IS 'Observations identical to the current vintage (no new row written); NULL when not loaded.';
