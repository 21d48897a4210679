-- 0062_series_observations.sql: each series' current figures, counted when
-- they are loaded.
--
-- source_health counted every series' current observations and found the
-- newest period they reach from observations_current at every read, and
-- every refresh reads it to judge the sources: a refresh that changed no
-- data spent most of its database time recounting figures it had not
-- touched. series_observations holds the count: the loader refreshes a
-- source's rows whenever it loads the source's observations
-- (load.MergeSources), and source_health, the monitor and the no-change
-- check read it. This migration fills it from the figures loaded so far.

CREATE TABLE series_observations (
    source_id     VARCHAR NOT NULL,
    destination   VARCHAR NOT NULL,
    citizenship   VARCHAR NOT NULL,
    observations  BIGINT  NOT NULL,
    newest_period DATE    NOT NULL
);

COMMENT ON TABLE series_observations IS 'Per series (one source''s figures for one destination) and citizenship, how many current figures the source has published and the newest period they reach, kept up to date by every load; missing figures are not counted, and a series with none has no row. What source_health shows as observations and newest_period, kept so that reading it costs the same however much is loaded.';
COMMENT ON COLUMN series_observations.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN series_observations.destination IS 'ISO 3166-1 alpha-2 code of the country that counts.';
COMMENT ON COLUMN series_observations.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship counted.';
COMMENT ON COLUMN series_observations.observations IS 'Current non-missing observations (observations_current) of the source for this destination and citizenship.';
COMMENT ON COLUMN series_observations.newest_period IS 'Newest period_end among them.';

INSERT INTO series_observations
SELECT source_id, destination, citizenship, count(*), max(period_end)
FROM observations
WHERE superseded_by_run IS NULL AND NOT missing
GROUP BY source_id, destination, citizenship;
