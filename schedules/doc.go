// Package schedules keeps emigre running unattended: the cron daemon that
// refreshes on a schedule, the lock that keeps one writer per warehouse,
// the states judged for every source on every run (by the publication
// calendars of extractors/calendar), the alerts opened, repeated and
// resolved on changes of state, the sinks that carry them (log, webhook,
// Slack, e-mail), and the Prometheus metrics.
//
// It does not run a refresh itself: the daemon and Monitor.Refresh take a
// Refresher, which runs the refresh and hands the run (Run, one Attempt per
// series) to the monitor's judging inside the publishing transaction.
// Package refresher wires the pipeline in, so this package
// depends neither on the pipeline nor on the fetcher.
//
// # Series
//
// What is judged is a series: one source's figures for one destination. A
// one-country source has one; a source that answers for many countries
// (Eurostat's datasets, UNHCR's countries of asylum) one per destination
// its answers held, so a country that stops being published goes stale on
// its own while the others stay ok. A destination an earlier answer held
// and the latest lacks is stale at once. A failure of the request itself
// is the source's, and is one alert about the source, not one per
// destination.
//
// # States
//
// Every run judges each series it attempted, once, inside the run's
// publishing transaction, so the judgement (table source_states) and the
// alerts land with the run or not at all. Judge is the one definition of
// the states, stale among them; every view (the run's summary, emigre
// status and sources, the report, the dashboard, the metrics) shows the
// stored judgement, counted in the order of package internal/seriesstate:
//
//   - not-configured, not-archived: the run did not ask the publisher (a
//     credential is not set; the replayed archive has no answer): no alert
//     opens or resolves;
//   - dead-link: a statement whose page answers 404 or 410 on a live fetch;
//     its figure is kept;
//   - broken: the bytes were fetched but no longer parse (schema drift, an
//     error page with status 200);
//   - failing: FailingAfter runs in a row failed;
//   - unknown: never succeeded yet (and none of the above);
//   - stale: the newest period published is older than the publication
//     calendar allows, past a grace period, or the destination is absent
//     from its source's latest answer; a destination a multi-country
//     answer holds outside the source's covers owes no period;
//   - ok: none of these.
//
// Freshness is judged at the instant the series' bytes were fetched (the
// archive's fetched_at): a live run as of its fetch, an offline replay as
// of the archive's fetch time of each answer, never the day of the replay.
// ReadStatus reads the stored states, or judges anew as of a given day.
//
// # Alerts
//
// An alert opens when a series enters a bad state (stale, failing, broken,
// dead-link), is repeated on the digest schedule while the state holds, and
// resolves when the series leaves it; a move from one bad state to another
// resolves the old alert and opens a new one. Notifications are sent after
// the run is published, never for a run that was not.
package schedules
