-- Where did Russians go? Destinations by net arrivals since the window start
-- in the newest run, each with its share of the total, its range, the
-- method and source behind it, and the caveats that qualify its number
-- (flags): gross (arrivals only, nobody who left again is netted out),
-- stock_without_baseline (a stock as of now, no 2022 level subtracted),
-- gap_in_flows (stated flows that do not cover the window). Destinations
-- whose figure is not a change since the window start (in_total = false)
-- come after the others, with no share: they are not in the total.
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
    flags,
    as_of,
    source_id,
    in_total
FROM latest_estimates
WHERE citizenship = 'RU'
ORDER BY in_total DESC, net DESC, destination
LIMIT 20;
