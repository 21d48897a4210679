-- Every method behind each destination's estimate in the newest run, so you
-- can see where low and high come from and how far apart the as_of dates are.
SELECT
    m.destination,
    m.method,
    m.metric,
    m.source_id,
    m.net,
    m.as_of,
    m.chosen,
    m.flags
FROM estimate_methods AS m
JOIN (SELECT DISTINCT citizenship, run_id FROM latest_estimates) AS l
    ON l.citizenship = m.citizenship
   AND l.run_id = m.run_id
ORDER BY m.destination, m.chosen DESC, m.net DESC;
