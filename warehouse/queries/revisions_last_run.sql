-- Which published numbers did the last run find revised? Each revised number
-- of the newest run beside its previous value. observation_revisions has
-- every run's.
SELECT
    source_id,
    destination,
    metric,
    measure,
    period_start,
    period_end,
    old_value,
    new_value,
    change,
    old_flags,
    new_flags,
    old_run_id,
    revised_in_run
FROM observation_revisions
WHERE revised_in_run = (SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1)
ORDER BY abs(change) DESC NULLS FIRST, source_id, period_end;
