package schedules

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emigre/emigre/extractors"
)

// srcNordic answers for several countries in one request, like Eurostat's
// datasets: each figure names its country (geo).
var srcNordic = &extractors.Source{
	ID: "nordic-test-immigration", Publisher: "Test Statistics", Dataset: "nordic", Title: "Immigration of Russians, Nordic",
	Homepage: testHost + "/nordic", Requests: []extractors.Request{{URL: testHost + "/data/nordic.json"}},
	Format: "jsonstat", Covers: []string{"IS", "NO", "DK"},
	Map:     extractors.Mapping{Time: "time", Destination: "geo", Citizenship: "citizen", Metric: extractors.Immigration},
	Cadence: extractors.Annual, LagMonths: 6, Priority: 10, Licence: "test", Notes: "test source",
}

// geoTable is a JSON-stat answer with yearly immigration of Russians
// 2019-last for each country (made-up figures), with an aggregate.
func geoTable(last int, geos ...string) answer {
	var idx, vals []string
	n := last - 2018
	for i, g := range geos {
		idx = append(idx, fmt.Sprintf("%q:%d", g, i))
		for y := 0; y < n; y++ {
			vals = append(vals, fmt.Sprint(100+y+i))
		}
	}
	var years []string
	for y := 2019; y <= last; y++ {
		years = append(years, fmt.Sprintf("%q:%d", fmt.Sprint(y), y-2019))
	}
	body := fmt.Sprintf(`{"version":"2.0","class":"dataset","label":"test","id":["citizen","geo","time"],"size":[1,%d,%d],`+
		`"dimension":{"citizen":{"category":{"index":{"RU":0}}},"geo":{"category":{"index":{%s}}},"time":{"category":{"index":{%s}}}},"value":[%s]}`,
		len(geos), n, strings.Join(idx, ","), strings.Join(years, ","), strings.Join(vals, ","))
	return answer{status: 200, contentType: "application/json", body: []byte(body)}
}

// TestEachDestinationIsASeries: a source answering for several countries
// is judged per country. A country that an earlier answer held and the
// next lacks is noticed like a source that stopped publishing: absent in
// run_sources, stale in source_states, an alert naming it; the others stay
// ok, and an aggregate (EU27_2020) is never a series.
func TestEachDestinationIsASeries(t *testing.T) {
	pub := newPublisher(t)
	pub.set(srcNordic, geoTable(2024, "EU27_2020", "IS", "NO"))
	rc := newReceiver(t, nil)
	c := &clock{}
	opt := liveOptions(t, pub, c, srcNordic)
	m := &Monitor{Policy: testPolicy(t), Now: c.Now, Sinks: []Sink{&WebhookSink{URL: rc.srv.URL}}}

	ev := refreshAt(t, m, opt, c, "2025-08-04T10:00:00Z")
	if got := judged(ev); !slices.Equal(got, []string{"IS ok", "NO ok"}) {
		t.Errorf("first run judged %v, want IS and NO ok (EU27_2020 is no destination)", got)
	}
	// Norway drops out of the answer.
	pub.set(srcNordic, geoTable(2024, "EU27_2020", "IS"))
	ev = refreshAt(t, m, opt, c, "2025-08-05T10:00:00Z")
	if got := judged(ev); !slices.Equal(got, []string{"IS ok", "NO stale"}) {
		t.Errorf("second run judged %v, want IS ok, NO stale", got)
	}
	for _, j := range ev.Judgements {
		if j.Destination == "NO" && !strings.Contains(j.Reason, "absent from the source's latest answer") {
			t.Errorf("NO: %s", j.Reason)
		}
	}
	db := openRO(t, opt.Warehouse)
	rows := queryRows(t, db, `select rs.destination, rs.status from run_sources rs join runs r using (run_id)
		where rs.source_id = ? order by r.started_at, rs.destination`, srcNordic.ID)
	if want := []string{"IS ok", "NO ok", "IS unchanged", "NO absent"}; !slices.Equal(rows, want) {
		t.Errorf("run_sources: %v, want %v", rows, want)
	}
	alerts := queryRows(t, db, `select alert_id, destination, state, kind from alerts`)
	if len(alerts) != 1 || !strings.HasPrefix(alerts[0], srcNordic.ID+":NO:stale:") || !strings.Contains(alerts[0], " NO open stale") {
		t.Errorf("alerts: %v, want one open stale alert about NO", alerts)
	}
	health := queryRows(t, db, `select destination, last_status, observations from source_health where source_id = ? order by destination`, srcNordic.ID)
	if !slices.Equal(health, []string{"IS unchanged 6", "NO absent 6"}) {
		t.Errorf("source_health: %v: Norway's figures are kept, its series absent", health)
	}
	if got := rc.events(); !slices.Equal(got, []string{"opened stale " + srcNordic.ID}) {
		t.Errorf("webhook received %v", got)
	}
	if b := rc.batches[len(rc.batches)-1]; b.Alerts[0].Destination != "NO" {
		t.Errorf("the alert names %q, want NO", b.Alerts[0].Destination)
	}
}

// judged lists a run's judgements as "destination state", sorted.
func judged(ev *Evaluation) []string {
	var out []string
	for _, j := range ev.Judgements {
		out = append(out, j.Destination+" "+string(j.State))
	}
	slices.Sort(out)
	return out
}

// TestAFailingMultiCountrySourceIsOneAlert: the request of a source that
// answers for many countries fails as a whole: one alert about the source
// (no destination), not one per country; the series' own states still say
// failing; the alert resolves when the answer reads again.
func TestAFailingMultiCountrySourceIsOneAlert(t *testing.T) {
	pub := newPublisher(t)
	pub.set(srcNordic, geoTable(2024, "IS", "NO", "DK"))
	c := &clock{}
	opt := liveOptions(t, pub, c, srcNordic)
	m := &Monitor{Policy: testPolicy(t), Now: c.Now}
	refreshAt(t, m, opt, c, "2025-08-04T10:00:00Z")
	pub.set(srcNordic, answer{status: 503, contentType: "text/plain", body: []byte("busy")})
	refreshAt(t, m, opt, c, "2025-08-05T10:00:00Z")
	ev := refreshAt(t, m, opt, c, "2025-08-06T10:00:00Z") // failing after 2 runs
	if got := judged(ev); !slices.Equal(got, []string{"DK failing", "IS failing", "NO failing"}) {
		t.Errorf("judged %v, want every series failing", got)
	}
	if len(ev.Batch.Alerts) != 1 || ev.Batch.Alerts[0].Event != Opened || ev.Batch.Alerts[0].Kind != Failing ||
		ev.Batch.Alerts[0].Destination != "" || !strings.HasPrefix(ev.Batch.Alerts[0].AlertID, srcNordic.ID+":failing:") {
		t.Errorf("alert events %+v, want one failing alert opened about the source", ev.Batch.Alerts)
	}
	pub.set(srcNordic, geoTable(2024, "IS", "NO", "DK"))
	ev = refreshAt(t, m, opt, c, "2025-08-07T10:00:00Z")
	if len(ev.Batch.Alerts) != 1 || ev.Batch.Alerts[0].Event != Resolved {
		t.Errorf("after recovery: %+v, want the failing alert resolved", ev.Batch.Alerts)
	}
	alerts := queryRows(t, openRO(t, opt.Warehouse), `select coalesce(destination, '-'), state, kind from alerts`)
	if !slices.Equal(alerts, []string{"- resolved failing"}) {
		t.Errorf("alerts table %v, want one resolved failing alert without a destination", alerts)
	}
}
