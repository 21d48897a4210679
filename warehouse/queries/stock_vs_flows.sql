-- Where do stock change and net flows disagree? Every pair of a stock-change
-- and a net-flows result of one destination in the newest run that are more
-- than 20% apart (relative to the larger; edit the tolerance in the WHERE
-- clause), with the two as_of dates: a gap can be a timing difference.
WITH newest AS (
    SELECT DISTINCT citizenship, run_id FROM latest_estimates
),
methods AS (
    SELECT m.*
    FROM estimate_methods AS m
    JOIN newest AS n ON n.citizenship = m.citizenship AND n.run_id = m.run_id
)
SELECT
    s.destination,
    s.citizenship,
    s.net                                   AS stock_change_net,
    f.net                                   AS net_flows_net,
    s.net - f.net                           AS difference,
    round(abs(s.net - f.net) / greatest(abs(s.net), abs(f.net)), 3) AS relative_difference,
    s.as_of                                 AS stock_change_as_of,
    f.as_of                                 AS net_flows_as_of,
    s.source_id                             AS stock_change_source_id,
    s.metric                                AS stock_change_metric,
    f.source_id                             AS net_flows_source_id,
    s.chosen OR f.chosen                    AS involves_chosen
FROM methods AS s
JOIN methods AS f
    ON f.destination = s.destination
   AND f.citizenship = s.citizenship
WHERE s.method = 'stock_change'
  AND f.method = 'net_flows'
  AND abs(s.net - f.net) > 0.20 * greatest(abs(s.net), abs(f.net))
ORDER BY relative_difference DESC, s.destination, s.source_id, f.source_id;
