-- How did the estimate change since last quarter? Each destination's net in
-- the newest run beside its net in the last run of an earlier calendar
-- quarter (quarters in UTC, relative to the newest run), largest change
-- first. A destination estimated in only one of the two runs (or every
-- destination, when no run is that old) shows NULL on the other side.
WITH newest AS (
    SELECT citizenship, max(started_at) AS started_at
    FROM estimate_history
    GROUP BY citizenship
),
earlier AS (
    SELECT h.citizenship, max(h.started_at) AS started_at
    FROM estimate_history AS h
    JOIN newest AS n USING (citizenship)
    WHERE timezone('UTC', h.started_at) < date_trunc('quarter', timezone('UTC', n.started_at))
    GROUP BY h.citizenship
),
now AS (
    SELECT h.* FROM estimate_history AS h JOIN newest USING (citizenship, started_at)
),
before AS (
    SELECT h.* FROM estimate_history AS h JOIN earlier USING (citizenship, started_at)
)
SELECT
    coalesce(now.destination, before.destination)           AS destination,
    coalesce(now.destination_name, before.destination_name) AS destination_name,
    coalesce(now.citizenship, before.citizenship)           AS citizenship,
    before.net                                              AS net_before,
    now.net                                                 AS net_now,
    now.net - before.net                                    AS change,
    before.as_of                                            AS as_of_before,
    now.as_of                                               AS as_of_now,
    before.method                                           AS method_before,
    now.method                                              AS method_now,
    before.run_id                                           AS run_before,
    now.run_id                                              AS run_now
FROM now
FULL JOIN before USING (citizenship, destination)
ORDER BY abs(now.net - before.net) DESC NULLS FIRST, destination;
