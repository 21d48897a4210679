-- 0002_source_states.sql: how each run judged each source, and what kind of
-- trouble an alert is about.
--
-- Written by package schedules inside the run's own transaction, so a run's
-- judgements and alerts land with it or not at all. Independent of 0003 (the
-- loader applies missing migrations in number order whenever they appear).

-------------------------------------------------------------------------------
-- source_states: the state of every source a run attempted, as judged then.
-------------------------------------------------------------------------------
CREATE TABLE source_states (
    run_id               VARCHAR     NOT NULL,
    source_id            VARCHAR     NOT NULL,
    state                VARCHAR     NOT NULL CHECK (state IN ('ok', 'stale', 'failing', 'broken', 'dead-link', 'unknown')),
    reason               VARCHAR     NOT NULL,
    judged_at            TIMESTAMPTZ NOT NULL,
    newest_period        DATE,
    expected_period      DATE,
    due_by               DATE,
    consecutive_failures INTEGER     NOT NULL,
    PRIMARY KEY (run_id, source_id)
);

COMMENT ON TABLE source_states IS 'The state of each source as judged by each run that attempted it: ok, stale (a period overdue), failing (several runs in a row failed), broken (fetched but no longer parses), dead-link (a statement''s page is gone) or unknown (never succeeded yet). Alerts open and resolve on changes of this state.';
COMMENT ON COLUMN source_states.run_id IS 'The run that judged (runs.run_id).';
COMMENT ON COLUMN source_states.source_id IS 'The source judged (sources.id).';
COMMENT ON COLUMN source_states.state IS 'ok, stale, failing, broken, dead-link or unknown. Precedence when several hold: dead-link, broken, failing, unknown, stale.';
COMMENT ON COLUMN source_states.reason IS 'Why, in words: the overdue period and its due date, the error of the failed fetch or parse, the HTTP status of a gone page.';
COMMENT ON COLUMN source_states.judged_at IS 'The instant the state holds for (UTC): when the source''s bytes were fetched (the archive''s fetched_at), so a replayed archive is judged as of its own day; the run''s time when nothing was fetched.';
COMMENT ON COLUMN source_states.newest_period IS 'Newest period_end among the source''s current non-missing observations after the run; NULL when it has none.';
COMMENT ON COLUMN source_states.expected_period IS 'End (or reference date) of the newest period the publication calendar (cadence and lag_months) says should be out by judged_at; NULL for sources without a calendar (statements).';
COMMENT ON COLUMN source_states.due_by IS 'The date by which expected_period was due: the end of the month lag_months after the period. stale means a period due more than the grace period before judged_at is still missing.';
COMMENT ON COLUMN source_states.consecutive_failures IS 'Runs in a row, this one included, in which the source failed; 0 when it succeeded in this run.';

-------------------------------------------------------------------------------
-- alerts.kind: the bad state an alert is about.
-------------------------------------------------------------------------------
ALTER TABLE alerts ADD COLUMN kind VARCHAR;

COMMENT ON COLUMN alerts.kind IS 'The source state the alert is about: stale, failing, broken or dead-link. An alert keeps its kind; when a source moves from one bad state to another the old alert resolves and a new one opens. NULL for alerts not raised from source states.';
