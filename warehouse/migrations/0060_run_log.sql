-- 0060_run_log.sql: the run log this warehouse declares, and what its last
-- full publish was built from.
--
-- A refresh in which nothing can change (every source unchanged, failed, not
-- configured or not archived) does not rewrite the warehouse: it records its
-- run, per-series outcomes, source states and alerts in a small DuckDB file
-- beside it, the run log (emigre.duckdb.runlog). The warehouse declares that
-- file here; emigre's readers (sql, serve, status, export, report) attach it
-- read-only and show runs, run_sources, source_states and alerts as the
-- warehouse's rows plus the run log's. The next refresh that changes data
-- folds the run log into the warehouse. See README, "The run log".

-------------------------------------------------------------------------------
-- run_log: one row; the run log declared and the published state's digests.
-------------------------------------------------------------------------------
CREATE TABLE run_log (
    file             VARCHAR NOT NULL,
    generation       VARCHAR NOT NULL,
    schema_digest    VARCHAR NOT NULL,
    catalogue_digest VARCHAR
);

COMMENT ON TABLE run_log IS 'One row: the run log this warehouse declares (a DuckDB file beside it holding the runs that changed no data since this file was published) and what the publish was built from. emigre''s readers attach that file read-only; nothing else outside the warehouse is read.';
COMMENT ON COLUMN run_log.file IS 'File name of the run log, in the warehouse''s own folder (emigre.duckdb.runlog). Attach it from your own client with ATTACH ''emigre.duckdb.runlog'' AS run_log (READ_ONLY).';
COMMENT ON COLUMN run_log.generation IS 'The run that published this file (runs.run_id): a run log whose run_log_base.generation differs extends another version of the warehouse and is ignored.';
COMMENT ON COLUMN run_log.schema_digest IS 'SHA-256 of the migrations, views and reference rows this file was built with: a binary with other ones publishes in full.';
COMMENT ON COLUMN run_log.catalogue_digest IS 'SHA-256 of the catalogue rows (sources, gaps) the publishing run wrote: a changed catalogue publishes in full.';

-------------------------------------------------------------------------------
-- source_digests: what each source's last loaded answer held.
-------------------------------------------------------------------------------
CREATE TABLE source_digests (
    source_id   VARCHAR NOT NULL,
    citizenship VARCHAR NOT NULL,
    digest      VARCHAR NOT NULL,
    keys        BIGINT  NOT NULL,
    run_id      VARCHAR NOT NULL
);

COMMENT ON TABLE source_digests IS 'Per source and citizenship (one row each; no index, to keep a refresh''s memory down), a digest of the observations its last loaded answer held (the rows the merge compared with the current vintages). An answer with the same digest cannot change the warehouse: a refresh whose every answer matches records its run in the run log only.';
COMMENT ON COLUMN source_digests.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN source_digests.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship of the rows digested.';
COMMENT ON COLUMN source_digests.digest IS 'Order-independent SHA-256-based digest of the rows (key, value, missing mark, flags, snapshot).';
COMMENT ON COLUMN source_digests.keys IS 'How many distinct observation keys the answer held for the citizenship.';
COMMENT ON COLUMN source_digests.run_id IS 'The run that loaded the answer (runs.run_id).';
