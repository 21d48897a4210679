-- Where did Russians go? Destinations by net arrivals since the window start
-- in the newest run, each with its share of the total, its range and the
-- method and source behind it.
SELECT
    destination,
    destination_name,
    net,
    round(net / sum(net) OVER (), 3) AS share_of_total,
    low,
    high,
    method,
    as_of,
    source_id
FROM latest_estimates
WHERE citizenship = 'RU'
ORDER BY net DESC, destination
LIMIT 20;
