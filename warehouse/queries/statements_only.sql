-- Which countries rely on official statements only? Destinations whose
-- estimate in the newest run has no method but an official's statement, with
-- who said it, when, and where to check it. A figure summed from several
-- statements (one per year) shows the latest of them; source_id lists all.
SELECT
    e.destination,
    e.destination_name,
    e.net,
    e.in_total,
    e.flags,
    e.as_of,
    s.statement_speaker,
    s.statement_said_on,
    s.homepage,
    s.statement_quote,
    s.statement_translation,
    e.source_id
FROM latest_estimates AS e
JOIN sources AS s ON list_contains(string_split(e.source_id, ','), s.id)
WHERE NOT EXISTS (
    SELECT 1
    FROM estimate_methods AS m
    WHERE m.run_id = e.run_id
      AND m.destination = e.destination
      AND m.citizenship = e.citizenship
      AND m.method <> 'statement'
)
QUALIFY row_number() OVER (PARTITION BY e.destination, e.citizenship
                           ORDER BY s.statement_ref_date DESC, s.id) = 1
ORDER BY e.net DESC, e.destination;
