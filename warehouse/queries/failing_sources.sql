-- Sources that failed in their latest attempt or have not succeeded for
-- several runs, worst first.
SELECT
    source_id,
    destination,
    last_status,
    last_stage,
    last_http_status,
    last_error,
    consecutive_failures,
    last_success_at,
    newest_period
FROM source_health
WHERE last_status = 'failed' OR consecutive_failures > 0
ORDER BY consecutive_failures DESC, source_id;
