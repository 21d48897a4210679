-- Where did Russians go? Destinations by net arrivals since the window start
-- in the newest run, each with its share of the total, its range and the
-- method and source behind it. Destinations whose figure is not a change
-- since the window start (in_total = false: a stock without a baseline, flows
-- with a gap) come after the others, with no share: they are not in the total.
SELECT
    destination,
    destination_name,
    net,
    CASE WHEN in_total
         THEN round(net / sum(CASE WHEN in_total THEN net END) OVER (), 3)
    END                                 AS share_of_total,
    low,
    high,
    method,
    as_of,
    source_id,
    in_total,
    flags
FROM latest_estimates
WHERE citizenship = 'RU'
ORDER BY in_total DESC, net DESC, destination
LIMIT 20;
