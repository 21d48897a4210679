-- 0001_init.sql: the first schema of the emigre warehouse.
--
-- Conventions (they hold for every table below):
--   * Country codes are ISO 3166-1 alpha-2, upper case (DE, GE, RU).
--   * Instants (when something happened) are TIMESTAMPTZ; dates that data
--     refers to (periods, as-of dates, baselines) are DATE.
--   * Counts of people are DOUBLE: publishers give whole numbers, but an
--     estimate may pro-rate a period by days.
--   * Empty text is stored as NULL, never as ''.
--   * No FOREIGN KEY constraints: DuckDB forbids updating a referenced row and
--     checks them row by row. The loader writes a whole run in one
--     transaction and keeps the references itself; the joins are documented in
--     the column comments instead.
--   * Every table and column carries a COMMENT: the data dictionary is
--     SELECT table_name, column_name, comment FROM duckdb_columns().
--
-- A migration never changes once released: a change to the schema is a new
-- numbered file. The loader records each applied file, with its checksum, in
-- schema_migrations.

-------------------------------------------------------------------------------
-- schema_migrations: which of these files this warehouse has applied.
-------------------------------------------------------------------------------
CREATE TABLE schema_migrations (
    version    INTEGER     PRIMARY KEY,
    name       VARCHAR     NOT NULL,
    checksum   VARCHAR     NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

COMMENT ON TABLE schema_migrations IS 'Schema migrations applied to this warehouse, one row per numbered file in warehouse/migrations. Written by the loader only.';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number: the leading digits of the file name (0001_init.sql is 1).';
COMMENT ON COLUMN schema_migrations.name IS 'Migration name: the file name without number and extension (init).';
COMMENT ON COLUMN schema_migrations.checksum IS 'SHA-256 (hex) of the migration''s SQL as applied; the loader refuses to open a warehouse whose applied migration differs from the binary''s.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When the migration was applied (UTC).';

-------------------------------------------------------------------------------
-- sources: the catalogue, as of the latest run that loaded it.
-------------------------------------------------------------------------------
CREATE TABLE sources (
    id                    VARCHAR PRIMARY KEY,
    destination           VARCHAR NOT NULL,
    publisher             VARCHAR NOT NULL,
    dataset               VARCHAR,
    title                 VARCHAR NOT NULL,
    homepage              VARCHAR,
    format                VARCHAR NOT NULL,
    metric                VARCHAR,
    cadence               VARCHAR,
    lag_months            INTEGER,
    priority              INTEGER NOT NULL DEFAULT 0,
    licence               VARCHAR,
    notes                 VARCHAR,
    is_statement          BOOLEAN NOT NULL DEFAULT false,
    statement_measure     VARCHAR,
    statement_ref_date    DATE,
    statement_said_on     DATE,
    statement_speaker     VARCHAR,
    statement_quote       VARCHAR,
    statement_translation VARCHAR
);

COMMENT ON TABLE sources IS 'The source catalogue: one row per dataset or official statement emigre collects, as declared in the code of the latest run that loaded it. Entries removed from the code stay here, so older observations keep their description.';
COMMENT ON COLUMN sources.id IS 'Stable source id, <destination>-<publisher>-<dataset> in lower case (de-destatis-12521). Joins observations.source_id, run_sources.source_id, snapshots.source_id.';
COMMENT ON COLUMN sources.destination IS 'ISO 3166-1 alpha-2 code of the country whose statistics these are (the country people moved to).';
COMMENT ON COLUMN sources.publisher IS 'Who publishes the figures (Eurostat, Destatis, Geostat, a ministry).';
COMMENT ON COLUMN sources.dataset IS 'The publisher''s own table or dataset code (migr_pop1ctz, 12521-0002); NULL for statements.';
COMMENT ON COLUMN sources.title IS 'Human title of the table or statement.';
COMMENT ON COLUMN sources.homepage IS 'Page where a person can see the table or statement.';
COMMENT ON COLUMN sources.format IS 'Name of the format reader that decodes the source (jsonstat, pxweb, sdmx, eurostat-tsv, csv, xlsx, html, statement).';
COMMENT ON COLUMN sources.metric IS 'Canonical metric(s) the source publishes (resident_stock, permits_valid, permits_first, immigration, emigration, asylum_applications, repatriation, naturalisations, border_net, statement); comma-separated when one table carries several.';
COMMENT ON COLUMN sources.cadence IS 'How often the publisher adds a period: annual, semiannual, quarterly, monthly or ad hoc (statements).';
COMMENT ON COLUMN sources.lag_months IS 'Usual delay, in months, between the end of a period and its publication; with cadence it says when a source is overdue.';
COMMENT ON COLUMN sources.priority IS 'Order among sources of one destination that support the same estimate method: lower is preferred. The reason is in notes.';
COMMENT ON COLUMN sources.licence IS 'Licence or terms of use of the data as the publisher states them.';
COMMENT ON COLUMN sources.notes IS 'What was verified about the source and how; caveats; why it has its priority.';
COMMENT ON COLUMN sources.is_statement IS 'True when the figure comes from an official statement (a minister''s interview, a ministry''s answer) rather than a dataset.';
COMMENT ON COLUMN sources.statement_measure IS 'For statements: the metric the stated figure counts (resident_stock, border_net, ...); NULL otherwise.';
COMMENT ON COLUMN sources.statement_ref_date IS 'For statements: the date the figure refers to; NULL otherwise.';
COMMENT ON COLUMN sources.statement_said_on IS 'For statements: the date the figure was said or published; NULL otherwise.';
COMMENT ON COLUMN sources.statement_speaker IS 'For statements: who said it (name and office); NULL otherwise.';
COMMENT ON COLUMN sources.statement_quote IS 'For statements: the quote in the original language, as published; NULL otherwise.';
COMMENT ON COLUMN sources.statement_translation IS 'For statements: English translation of the quote; NULL otherwise.';

-------------------------------------------------------------------------------
-- runs: one row per published refresh.
-------------------------------------------------------------------------------
CREATE TABLE runs (
    run_id            VARCHAR     PRIMARY KEY,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    mode              VARCHAR     NOT NULL CHECK (mode IN ('live', 'offline')),
    archive           VARCHAR,
    sample            BOOLEAN     NOT NULL,
    origin            VARCHAR     NOT NULL,
    window_start      DATE        NOT NULL,
    status            VARCHAR     NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
    sources_attempted INTEGER     NOT NULL,
    sources_loaded    INTEGER     NOT NULL,
    sources_failed    INTEGER     NOT NULL,
    sources_unchanged INTEGER     NOT NULL,
    emigre_version    VARCHAR
);

COMMENT ON TABLE runs IS 'One row per refresh that was published. A run lands whole or not at all, so every row here has its run_sources, observations and estimates beside it.';
COMMENT ON COLUMN runs.run_id IS 'Run id, unique, chosen by the runner. Joins the run_id of every other table.';
COMMENT ON COLUMN runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'When the run finished building the warehouse, just before publishing (UTC).';
COMMENT ON COLUMN runs.mode IS 'live: fetched from the publishers over the network; offline: replayed from an archive.';
COMMENT ON COLUMN runs.archive IS 'The archive the run wrote to (live) or replayed (offline): its directory, or the name of the sample archive embedded in the binary.';
COMMENT ON COLUMN runs.sample IS 'True when the data came from the sample archive shipped with emigre: useful to try the pipeline, not to quote.';
COMMENT ON COLUMN runs.origin IS 'ISO alpha-2 citizenship the run estimated for (RU by default).';
COMMENT ON COLUMN runs.window_start IS 'Start of the window the run estimated over (2022-01-01 by default).';
COMMENT ON COLUMN runs.status IS 'ok: every attempted source loaded or was unchanged; partial: some failed; failed: none loaded.';
COMMENT ON COLUMN runs.sources_attempted IS 'How many sources the run tried.';
COMMENT ON COLUMN runs.sources_loaded IS 'How many sources delivered new data that was loaded.';
COMMENT ON COLUMN runs.sources_failed IS 'How many sources failed at some stage (details in run_sources).';
COMMENT ON COLUMN runs.sources_unchanged IS 'How many sources answered with nothing new (HTTP 304 or identical bytes).';
COMMENT ON COLUMN runs.emigre_version IS 'Version of the emigre binary that made the run.';

-------------------------------------------------------------------------------
-- run_sources: what happened to each source in each run.
-------------------------------------------------------------------------------
CREATE TABLE run_sources (
    run_id        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'unchanged', 'failed')),
    stage         VARCHAR CHECK (stage IN ('fetch', 'parse', 'map', 'load')),
    http_status   INTEGER,
    bytes         BIGINT,
    rows          INTEGER,
    duration_ms   BIGINT,
    error         VARCHAR,
    obs_inserted  INTEGER,
    obs_revised   INTEGER,
    obs_unchanged INTEGER,
    PRIMARY KEY (run_id, source_id)
);

COMMENT ON TABLE run_sources IS 'One row per source per run: whether it loaded, where it failed, and how big and slow it was. source_health summarises it.';
COMMENT ON COLUMN run_sources.run_id IS 'The run (runs.run_id).';
COMMENT ON COLUMN run_sources.source_id IS 'The source (sources.id).';
COMMENT ON COLUMN run_sources.status IS 'ok: loaded; unchanged: the publisher had nothing new; failed: see stage and error. A failed source keeps what earlier runs loaded.';
COMMENT ON COLUMN run_sources.stage IS 'For a failure, the stage that failed: fetch (network, HTTP), parse (format reader), map (codes, dimensions) or load (warehouse). For ok and unchanged, the last stage reached; NULL when not recorded.';
COMMENT ON COLUMN run_sources.http_status IS 'HTTP status of the source''s last response (200, 304, 404, ...); NULL when no response arrived or the source was replayed without one.';
COMMENT ON COLUMN run_sources.bytes IS 'Bytes received from the publisher across the source''s requests.';
COMMENT ON COLUMN run_sources.rows IS 'Observations the source produced in this run (before vintage comparison).';
COMMENT ON COLUMN run_sources.duration_ms IS 'Wall time spent on the source, fetch to load, in milliseconds.';
COMMENT ON COLUMN run_sources.error IS 'The error message when status = failed; NULL otherwise.';
COMMENT ON COLUMN run_sources.obs_inserted IS 'Observations of this source seen for the first time in this run; NULL when not loaded.';
COMMENT ON COLUMN run_sources.obs_revised IS 'Observations whose published value, missing mark or flags changed since the previous vintage; NULL when not loaded.';
COMMENT ON COLUMN run_sources.obs_unchanged IS 'Observations identical to the current vintage (no new row written); NULL when not loaded.';

-------------------------------------------------------------------------------
-- snapshots: the raw bytes observations came from.
-------------------------------------------------------------------------------
CREATE TABLE snapshots (
    sha256       VARCHAR     NOT NULL,
    source_id    VARCHAR     NOT NULL,
    run_id       VARCHAR     NOT NULL,
    url          VARCHAR     NOT NULL,
    method       VARCHAR     NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    size         BIGINT      NOT NULL,
    content_type VARCHAR,
    provenance   VARCHAR,
    sample       BOOLEAN     NOT NULL,
    PRIMARY KEY (sha256, source_id)
);

COMMENT ON TABLE snapshots IS 'Archived responses that observations were read from, one row per distinct content per source, describing the first fetch that returned those bytes. The bytes themselves are in the archive under their SHA-256.';
COMMENT ON COLUMN snapshots.sha256 IS 'SHA-256 (hex, lower case) of the response body: its address in the archive. Joins observations.snapshot_sha256 (with source_id).';
COMMENT ON COLUMN snapshots.source_id IS 'The source that fetched it (sources.id).';
COMMENT ON COLUMN snapshots.run_id IS 'The first run that fetched these bytes for this source (runs.run_id).';
COMMENT ON COLUMN snapshots.url IS 'The URL requested.';
COMMENT ON COLUMN snapshots.method IS 'The HTTP method of the request (GET, or POST for query APIs such as PxWeb).';
COMMENT ON COLUMN snapshots.fetched_at IS 'When the bytes were received (UTC), as recorded in the archive manifest.';
COMMENT ON COLUMN snapshots.size IS 'Size of the body in bytes.';
COMMENT ON COLUMN snapshots.content_type IS 'Content-Type the server declared.';
COMMENT ON COLUMN snapshots.provenance IS 'How the bytes came to be, from the manifest: recorded from the publisher, or a reconstruction in the publisher''s format of figures it published (with the page that published them).';
COMMENT ON COLUMN snapshots.sample IS 'True when the snapshot is part of the sample archive shipped with emigre.';

-------------------------------------------------------------------------------
-- observations: every number every source published, with its vintages.
-------------------------------------------------------------------------------
CREATE SEQUENCE observations_obs_id_seq START 1;

CREATE TABLE observations (
    obs_id            BIGINT  PRIMARY KEY DEFAULT nextval('observations_obs_id_seq'),
    source_id         VARCHAR NOT NULL,
    destination       VARCHAR NOT NULL,
    citizenship       VARCHAR NOT NULL,
    metric            VARCHAR NOT NULL,
    measure           VARCHAR,
    period_start      DATE    NOT NULL,
    period_end        DATE    NOT NULL,
    value             DOUBLE,
    missing           BOOLEAN NOT NULL,
    flags             VARCHAR,
    snapshot_sha256   VARCHAR,
    run_id            VARCHAR NOT NULL,
    superseded_by_run VARCHAR,
    CHECK (period_start <= period_end),
    CHECK ((value IS NULL) = missing)
);

COMMENT ON TABLE observations IS 'Every number a source published, one row per vintage: when a publisher revises a number, the new value gets a new row and the old row is kept with superseded_by_run set. The key of a number is (source_id, destination, citizenship, metric, measure, period_start, period_end). Use observations_current for the numbers as published now.';
COMMENT ON COLUMN observations.obs_id IS 'Surrogate id of this vintage of the number, assigned in load order.';
COMMENT ON COLUMN observations.source_id IS 'The source that published it (sources.id).';
COMMENT ON COLUMN observations.destination IS 'ISO 3166-1 alpha-2 code of the country that counts (where the people are).';
COMMENT ON COLUMN observations.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship of the people counted (RU).';
COMMENT ON COLUMN observations.metric IS 'What the number counts: resident_stock or permits_valid (people at a date); permits_first, immigration, emigration, asylum_applications, repatriation, naturalisations or border_net (events over a period); statement (a figure from an official statement, see measure).';
COMMENT ON COLUMN observations.measure IS 'For metric = statement, the metric the stated figure counts (resident_stock, border_net, ...); NULL for every other metric.';
COMMENT ON COLUMN observations.period_start IS 'First day of the period a flow covers; for a stock, the reference date (equal to period_end).';
COMMENT ON COLUMN observations.period_end IS 'Last day of the period a flow covers; for a stock, the reference date. A stock on 1 January and on 31 December of the year before are the same instant.';
COMMENT ON COLUMN observations.value IS 'Persons. NULL exactly when missing is true: a published ":" or ".." is never read as zero.';
COMMENT ON COLUMN observations.missing IS 'True when the publisher marked the cell as not available (":", "..", empty); value is then NULL.';
COMMENT ON COLUMN observations.flags IS 'Status flags as published, verbatim (p provisional, e estimated, b break in series, c confidential, ...); NULL when none.';
COMMENT ON COLUMN observations.snapshot_sha256 IS 'SHA-256 of the archived response the number was read from (snapshots.sha256 with source_id). Kept from the first vintage that published this value: a later identical fetch writes no new row.';
COMMENT ON COLUMN observations.run_id IS 'The run that loaded this vintage (runs.run_id).';
COMMENT ON COLUMN observations.superseded_by_run IS 'The run that loaded a revised value for the same key, making this row history; NULL while this is the current value.';

-------------------------------------------------------------------------------
-- estimates: the chosen estimate per destination per run.
-------------------------------------------------------------------------------
CREATE TABLE estimates (
    run_id        VARCHAR   NOT NULL,
    destination   VARCHAR   NOT NULL,
    citizenship   VARCHAR   NOT NULL,
    method        VARCHAR   NOT NULL,
    source_id     VARCHAR,
    metric        VARCHAR,
    arrivals      DOUBLE,
    returns       DOUBLE,
    net           DOUBLE    NOT NULL,
    low           DOUBLE    NOT NULL,
    high          DOUBLE    NOT NULL,
    as_of         DATE      NOT NULL,
    period_start  DATE,
    baseline      DOUBLE,
    baseline_date DATE,
    flags         VARCHAR[] NOT NULL DEFAULT [],
    net_excess    DOUBLE,
    PRIMARY KEY (run_id, destination, citizenship)
);

COMMENT ON TABLE estimates IS 'How many citizens moved to each destination since the window start and are still there, net of those who went back: one row per destination per run, from the first method the data supports (see METHOD.md). latest_estimates shows the newest run''s rows.';
COMMENT ON COLUMN estimates.run_id IS 'The run that computed the estimate (runs.run_id); its window_start and origin are the parameters.';
COMMENT ON COLUMN estimates.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN estimates.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for (the run''s origin).';
COMMENT ON COLUMN estimates.method IS 'The method that produced the chosen figure: stock_change, net_flows, gross_flows or statement (in the default order of preference).';
COMMENT ON COLUMN estimates.source_id IS 'The source whose series the method used (sources.id); comma-separated when a method combined several.';
COMMENT ON COLUMN estimates.metric IS 'The metric of the series the method used (resident_stock, permits_valid, immigration, ...); comma-separated when several.';
COMMENT ON COLUMN estimates.arrivals IS 'Persons who arrived over the span; NULL when the method cannot see arrivals separately (a stock change).';
COMMENT ON COLUMN estimates.returns IS 'Persons who left the destination again over the span; NULL when the method cannot see returns (then flags contains gross).';
COMMENT ON COLUMN estimates.net IS 'Net persons still there: the estimate. stock_change: stock at as_of minus baseline; net_flows: arrivals minus returns; gross_flows: arrivals; statement: the stated figure.';
COMMENT ON COLUMN estimates.low IS 'Lowest net over every method the destination''s data supports, the chosen one included.';
COMMENT ON COLUMN estimates.high IS 'Highest net over every method the destination''s data supports, the chosen one included.';
COMMENT ON COLUMN estimates.as_of IS 'End of the latest period, or the latest reference date, the estimate used.';
COMMENT ON COLUMN estimates.period_start IS 'Start of the span the estimate covers: the baseline date for a stock change, the start of the first whole period summed for flows.';
COMMENT ON COLUMN estimates.baseline IS 'For stock_change: the stock at the baseline date; NULL otherwise.';
COMMENT ON COLUMN estimates.baseline_date IS 'For stock_change: the date of the baseline stock (the window start, or the latest date within 12 months before it); NULL otherwise.';
COMMENT ON COLUMN estimates.flags IS 'Caveats as a list: gross (returns unknown), stock_without_baseline, prorated (a period straddling the window start was pro-rated by days), sample (computed from sample data), ... Empty when none. Test with list_contains(flags, ''gross'').';
COMMENT ON COLUMN estimates.net_excess IS 'Net minus the pre-war trend: net - t * years(window start, as_of), with t the 2019-2021 yearly average of the same method. NULL when 2019-2021 is not covered.';

-------------------------------------------------------------------------------
-- estimate_methods: every method's result, chosen or not.
-------------------------------------------------------------------------------
CREATE TABLE estimate_methods (
    run_id       VARCHAR   NOT NULL,
    destination  VARCHAR   NOT NULL,
    citizenship  VARCHAR   NOT NULL,
    method       VARCHAR   NOT NULL,
    source_id    VARCHAR,
    metric       VARCHAR,
    arrivals     DOUBLE,
    returns      DOUBLE,
    net          DOUBLE    NOT NULL,
    as_of        DATE      NOT NULL,
    period_start DATE,
    flags        VARCHAR[] NOT NULL DEFAULT [],
    chosen       BOOLEAN   NOT NULL
);

COMMENT ON TABLE estimate_methods IS 'Every estimate method the data supports, per destination per run, the chosen one included: the detail behind estimates.low and estimates.high, each with its own as_of.';
COMMENT ON COLUMN estimate_methods.run_id IS 'The run that computed it (runs.run_id).';
COMMENT ON COLUMN estimate_methods.destination IS 'ISO 3166-1 alpha-2 code of the destination country.';
COMMENT ON COLUMN estimate_methods.citizenship IS 'ISO 3166-1 alpha-2 code of the citizenship estimated for.';
COMMENT ON COLUMN estimate_methods.method IS 'stock_change, net_flows, gross_flows or statement.';
COMMENT ON COLUMN estimate_methods.source_id IS 'The source whose series the method used (sources.id); comma-separated when several.';
COMMENT ON COLUMN estimate_methods.metric IS 'The metric of the series used (resident_stock, permits_valid, permits_first, immigration, ...); comma-separated when several.';
COMMENT ON COLUMN estimate_methods.arrivals IS 'Persons who arrived over the span; NULL when the method cannot see arrivals.';
COMMENT ON COLUMN estimate_methods.returns IS 'Persons who left again over the span; NULL when the method cannot see returns.';
COMMENT ON COLUMN estimate_methods.net IS 'Net persons still there according to this method.';
COMMENT ON COLUMN estimate_methods.as_of IS 'End of the latest period, or latest reference date, this method used: methods of one destination may differ.';
COMMENT ON COLUMN estimate_methods.period_start IS 'Start of the span this method covers (baseline date, or start of the first whole period).';
COMMENT ON COLUMN estimate_methods.flags IS 'Caveats as a list (gross, stock_without_baseline, prorated, ...); empty when none.';
COMMENT ON COLUMN estimate_methods.chosen IS 'True for the method whose result is the row in estimates.';

-------------------------------------------------------------------------------
-- quality_checks: what each run checked, and the outcome.
-------------------------------------------------------------------------------
CREATE TABLE quality_checks (
    run_id      VARCHAR NOT NULL,
    source_id   VARCHAR,
    destination VARCHAR,
    check_name  VARCHAR NOT NULL,
    observed    DOUBLE,
    threshold   DOUBLE,
    outcome     VARCHAR NOT NULL CHECK (outcome IN ('pass', 'warn', 'fail')),
    detail      VARCHAR,
    sample      BOOLEAN NOT NULL
);

COMMENT ON TABLE quality_checks IS 'Data-quality checks of each run: shape, completeness, validity, consistency, anomalies, revisions and freshness, one row per check per subject.';
COMMENT ON COLUMN quality_checks.run_id IS 'The run that made the check (runs.run_id).';
COMMENT ON COLUMN quality_checks.source_id IS 'The source checked (sources.id); NULL for checks of the whole run or of a destination.';
COMMENT ON COLUMN quality_checks.destination IS 'The destination checked, for checks across sources (consistency of methods); NULL otherwise.';
COMMENT ON COLUMN quality_checks.check_name IS 'Name of the check (shape, completeness, validity, consistency, anomaly, revision, freshness, ...).';
COMMENT ON COLUMN quality_checks.observed IS 'The measured quantity (a count, a ratio, a difference, an age in days); NULL when the check has none.';
COMMENT ON COLUMN quality_checks.threshold IS 'The limit the observed quantity was compared with; NULL when the check has none.';
COMMENT ON COLUMN quality_checks.outcome IS 'pass, warn or fail.';
COMMENT ON COLUMN quality_checks.detail IS 'Human-readable explanation of the outcome.';
COMMENT ON COLUMN quality_checks.sample IS 'True when the run checked sample data.';

-------------------------------------------------------------------------------
-- alerts: sources that broke or stopped publishing.
-------------------------------------------------------------------------------
CREATE TABLE alerts (
    alert_id         VARCHAR     PRIMARY KEY,
    source_id        VARCHAR,
    state            VARCHAR     NOT NULL CHECK (state IN ('open', 'resolved')),
    reason           VARCHAR     NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    resolved_at      TIMESTAMPTZ,
    last_notified_at TIMESTAMPTZ
);

COMMENT ON TABLE alerts IS 'Alerts about sources: failing for several runs, overdue (newest period older than cadence and lag allow), statement page gone. An alert opens once, is repeated on the digest schedule and resolves when the source recovers.';
COMMENT ON COLUMN alerts.alert_id IS 'Stable id of the alert, the same across the runs that see the condition (for example <source_id>:stale).';
COMMENT ON COLUMN alerts.source_id IS 'The source concerned (sources.id); NULL for alerts about the whole pipeline.';
COMMENT ON COLUMN alerts.state IS 'open while the condition holds; resolved once it no longer does.';
COMMENT ON COLUMN alerts.reason IS 'Why the alert is raised, in words (stopped publishing: newest period 2023-12-31, due by 2025-06-30).';
COMMENT ON COLUMN alerts.first_seen IS 'When the condition was first seen (UTC).';
COMMENT ON COLUMN alerts.last_seen IS 'When the condition was last seen (UTC).';
COMMENT ON COLUMN alerts.resolved_at IS 'When the alert resolved (UTC); NULL while open.';
COMMENT ON COLUMN alerts.last_notified_at IS 'When the alert was last sent to the sinks (UTC); NULL if never.';
