-- Where did Russians go? Destinations by net arrivals since the window start
-- in the newest run, each with its share of the total, its range, the
-- method and source behind it, and the caveats that qualify its number:
-- gross (arrivals only, nobody who left again is netted out),
-- stock_without_baseline (a stock as of now, no 2022 level subtracted), ...
SELECT
    destination,
    destination_name,
    net,
    round(net / sum(net) OVER (), 3) AS share_of_total,
    low,
    high,
    method,
    flags,
    as_of,
    source_id
FROM latest_estimates
WHERE citizenship = 'RU'
ORDER BY net DESC, destination
LIMIT 20;
