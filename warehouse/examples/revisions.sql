-- Numbers the publishers revised: each superseded value beside the value that
-- replaced it, newest revisions first.
SELECT
    old.source_id,
    old.destination,
    old.metric,
    old.period_start,
    old.period_end,
    old.value         AS old_value,
    new.value         AS new_value,
    new.value - old.value AS change,
    old.run_id        AS old_run_id,
    old.superseded_by_run AS revised_in_run
FROM observations AS old
JOIN observations AS new
    ON new.run_id = old.superseded_by_run
   AND new.source_id = old.source_id
   AND new.destination = old.destination
   AND new.citizenship = old.citizenship
   AND new.metric = old.metric
   AND new.measure IS NOT DISTINCT FROM old.measure
   AND new.period_start = old.period_start
   AND new.period_end = old.period_end
JOIN runs AS r ON r.run_id = old.superseded_by_run
ORDER BY r.started_at DESC, old.source_id, old.period_end;
