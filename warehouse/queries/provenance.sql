-- Where each current number of a destination's chosen source came from: the
-- archived response (URL, fetch time, SHA-256) and whether it is sample data.
SELECT
    e.destination,
    e.method,
    o.metric,
    o.period_end,
    o.value,
    s.url,
    s.fetched_at,
    s.sha256,
    s.provenance,
    s.sample
FROM latest_estimates AS e
-- The chosen sources' numbers for this destination and citizenship:
-- source_id lists several sources when a method combined them, and a
-- source that answers for many countries has numbers for others too.
JOIN observations_current AS o
    ON list_contains(string_split(e.source_id, ','), o.source_id)
   AND o.destination = e.destination
   AND o.citizenship = e.citizenship
LEFT JOIN snapshots AS s
    ON s.sha256 = o.snapshot_sha256
   AND s.source_id = o.source_id
ORDER BY e.destination, o.metric, o.period_end;
