-- Which countries rely on official statements only? Destinations whose
-- estimate in the newest run has no method but an official's statement, with
-- who said it, when, and where to check it.
SELECT
    e.destination,
    e.destination_name,
    e.net,
    e.as_of,
    s.statement_speaker,
    s.statement_said_on,
    s.homepage,
    s.statement_quote,
    s.statement_translation,
    e.source_id
FROM latest_estimates AS e
JOIN sources AS s ON s.id = e.source_id
WHERE NOT EXISTS (
    SELECT 1
    FROM estimate_methods AS m
    WHERE m.run_id = e.run_id
      AND m.destination = e.destination
      AND m.citizenship = e.citizenship
      AND m.method <> 'statement'
)
ORDER BY e.net DESC, e.destination;
