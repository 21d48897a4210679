-- How many Russians moved to Germany since 2022 and are still there, net of
-- those who went back? According to which source, and as of when? (Change
-- 'DE' for another destination; window_start says what "since" means.)
SELECT
    e.destination_name                                  AS country,
    e.net,
    e.low,
    e.high,
    e.method,
    e.window_start                                      AS since,
    e.as_of,
    e.source_id,
    (SELECT string_agg(DISTINCT s.publisher || ' ' || coalesce(s.dataset, 'statement'), ', ')
     FROM sources AS s
     WHERE list_contains(string_split(e.source_id, ','), s.id)) AS published_by,
    e.run_id,
    e.sample
FROM latest_estimates AS e
WHERE e.destination = 'DE'
  AND e.citizenship = 'RU';
