-- 0030_series_states.sql: two more states of a series, for a source a run
-- did not ask: not-configured (a live run lacked a credential the source
-- needs) and not-archived (an offline replay's archive holds no answer for
-- it). They were 'unknown' before; now every view counts them by name, the
-- same way (emigre run's summary, status, sources, the report).
--
-- DuckDB cannot change a CHECK constraint in place: the table is rebuilt
-- with the same columns in the same order and every row kept, as 0020 did.
-- Rows judged before keep their state as judged then.

CREATE TABLE source_states_0030 (
    run_id               VARCHAR     NOT NULL,
    source_id            VARCHAR     NOT NULL,
    state                VARCHAR     NOT NULL CHECK (state IN ('ok', 'stale', 'failing', 'broken', 'dead-link', 'unknown',
                                                               'not-configured', 'not-archived')),
    reason               VARCHAR     NOT NULL,
    judged_at            TIMESTAMPTZ NOT NULL,
    newest_period        DATE,
    expected_period      DATE,
    due_by               DATE,
    consecutive_failures INTEGER     NOT NULL,
    destination          VARCHAR,
    UNIQUE (run_id, source_id, destination)
);

INSERT INTO source_states_0030
SELECT run_id, source_id, state, reason, judged_at, newest_period, expected_period, due_by,
       consecutive_failures, destination
FROM source_states;
DROP TABLE source_states;
ALTER TABLE source_states_0030 RENAME TO source_states;

COMMENT ON TABLE source_states IS 'The state of each series (one source''s figures for one destination) as judged by each run that attempted its source: ok, stale (a period overdue, or the destination gone from the source''s answer), failing (several runs in a row failed), broken (fetched but no longer parses), dead-link (a statement''s page is gone), unknown (never succeeded yet), not-configured or not-archived (the run did not ask the publisher). Alerts open and resolve on changes of this state. This is the one judgement of a series: emigre run, status, sources, the report and the dashboard all show it (source_health.state is the newest).';
COMMENT ON COLUMN source_states.run_id IS 'The run that judged (runs.run_id).';
COMMENT ON COLUMN source_states.source_id IS 'The source judged (sources.id).';
COMMENT ON COLUMN source_states.state IS 'ok, stale, failing, broken, dead-link, unknown, not-configured or not-archived. Precedence when several hold: not-configured and not-archived (nothing was asked), dead-link, broken, stale when the destination is gone from the answer, failing, unknown, stale by the calendar. Only stale, failing, broken and dead-link open alerts; not-configured and not-archived leave open alerts as they are.';
COMMENT ON COLUMN source_states.reason IS 'Why, in words: the overdue period and its due date, the destination missing from the answer, the error of the failed fetch or parse, the HTTP status of a gone page, the credential to set.';
COMMENT ON COLUMN source_states.judged_at IS 'The instant the state holds for (UTC): when the source''s bytes were fetched (the archive''s fetched_at: an offline replay is judged as of the day its answer was fetched, never the day it is replayed; a live run as of its own fetch); the run''s time when nothing was fetched.';
COMMENT ON COLUMN source_states.newest_period IS 'Newest period_end among the series'' current non-missing observations after the run; NULL when it has none.';
COMMENT ON COLUMN source_states.expected_period IS 'End (or reference date) of the newest period the publication calendar (cadence and lag_months) says should be out by judged_at; NULL for sources without a calendar (statements).';
COMMENT ON COLUMN source_states.due_by IS 'The date by which expected_period was due: the end of the month lag_months after the period. stale means a period due more than the grace period (alerts.grace, 30 days by default) before judged_at is still missing.';
COMMENT ON COLUMN source_states.consecutive_failures IS 'Runs in a row, this one included, in which the source failed; 0 when it succeeded in this run.';
COMMENT ON COLUMN source_states.destination IS 'ISO 3166-1 alpha-2 code of the series'' destination (run_sources.destination); NULL for a multi-country source judged before any destination of it is known.';
