-- 0004_gaps.sql: the catalogue's register of destinations without a source.
--
-- Each run rewrites the rows from the catalogue (extractors/catalogue/gaps.yaml),
-- so the report and analysts read the reasons from the warehouse itself.

CREATE TABLE gaps (
    country  VARCHAR PRIMARY KEY,
    reason   VARCHAR NOT NULL,
    evidence VARCHAR NOT NULL,
    checked  DATE NOT NULL
);

COMMENT ON TABLE gaps IS 'Destinations known to receive emigrants for which the catalogue has no usable source, with the reason and the evidence checked. They are unknown, never zero. Rewritten from the catalogue on every refresh.';
COMMENT ON COLUMN gaps.country IS 'ISO 3166-1 alpha-2 code of the destination (countries.code).';
COMMENT ON COLUMN gaps.reason IS 'What was looked for and why nothing qualifies: no publication, only border entries, only origin-side counts.';
COMMENT ON COLUMN gaps.evidence IS 'Why the country matters and what was checked: the pages or datasets, separated by " ; ".';
COMMENT ON COLUMN gaps.checked IS 'The date the search for a source was last done.';
