-- 0063_series_health_bytes.sql: the latest attempt's bytes and run mode kept
-- with the rest of it.
--
-- Every refresh judges the sources from series_health, but the size of the
-- latest answer and whether that run was live or a replay came from
-- run_sources and runs, which grow with every run kept: judging a no-change
-- refresh looked through all of run_sources for them. series_health now
-- holds both, updated with the rest of the latest attempt
-- (load.InsertRun). This migration fills them for the attempts recorded
-- so far.

ALTER TABLE series_health ADD COLUMN last_bytes BIGINT;
ALTER TABLE series_health ADD COLUMN last_mode VARCHAR;

COMMENT ON COLUMN series_health.last_bytes IS 'Bytes received from the publisher across the source''s requests in that run (run_sources.bytes: the whole answer''s, on each of its destinations'' rows); NULL when not recorded.';
COMMENT ON COLUMN series_health.last_mode IS 'Whether that run fetched live or replayed an archive (runs.mode).';

UPDATE series_health AS h
SET last_bytes = (
        SELECT max(rs.bytes) FROM run_sources AS rs
        WHERE rs.run_id = h.last_run_id AND rs.source_id = h.source_id
    ),
    last_mode = (SELECT r.mode FROM runs AS r WHERE r.run_id = h.last_run_id);
