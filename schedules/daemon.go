package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/emigre/emigre/extractors"
)

// DefaultRefresh is the global refresh spec when the config names none:
// daily, at 06:00 UTC.
const DefaultRefresh = "0 6 * * *"

// Job is one cron entry: a spec and the sources it refreshes.
type Job struct {
	Spec     string
	Schedule cron.Schedule
	Sources  []*extractors.Source
	global   bool
}

// Name says which sources the job refreshes, for logs and --list.
func (j Job) Name() string {
	if j.global {
		return fmt.Sprintf("all other sources (%d)", len(j.Sources))
	}
	ids := make([]string, len(j.Sources))
	for i, s := range j.Sources {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}

// Jobs builds the cron entries: the global spec refreshes every source
// without an override, and each override spec refreshes the sources that
// name it. An override for a source not in sources is an error.
func Jobs(global string, overrides map[string]string, sources []*extractors.Source) ([]Job, error) {
	if strings.TrimSpace(global) == "" {
		global = DefaultRefresh
	}
	byID := map[string]*extractors.Source{}
	for _, s := range sources {
		byID[s.ID] = s
	}
	bySpec := map[string][]*extractors.Source{}
	ids := make([]string, 0, len(overrides))
	for id := range overrides {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("schedule for source %q: not a source this daemon refreshes (unknown, or in exclude)", id)
		}
		spec := strings.TrimSpace(overrides[id])
		bySpec[spec] = append(bySpec[spec], s)
	}
	gsched, err := ParseSpec(global)
	if err != nil {
		return nil, fmt.Errorf("global refresh: %w", err)
	}
	var jobs []Job
	var rest []*extractors.Source
	for _, s := range sources {
		if _, ok := overrides[s.ID]; !ok {
			rest = append(rest, s)
		}
	}
	if len(rest) > 0 {
		jobs = append(jobs, Job{Spec: global, Schedule: gsched, Sources: rest, global: true})
	}
	specs := make([]string, 0, len(bySpec))
	for spec := range bySpec {
		specs = append(specs, spec)
	}
	sort.Strings(specs)
	for _, spec := range specs {
		sched, err := ParseSpec(spec)
		if err != nil {
			return nil, fmt.Errorf("schedule for %s: %w", bySpec[spec][0].ID, err)
		}
		jobs = append(jobs, Job{Spec: spec, Schedule: sched, Sources: bySpec[spec]})
	}
	return jobs, nil
}

// Firing is one upcoming refresh.
type Firing struct {
	At  time.Time
	Job Job
}

// Upcoming returns the next n firings of each job after from, in time order.
func Upcoming(jobs []Job, from time.Time, n int) []Firing {
	var out []Firing
	for _, j := range jobs {
		t := from
		for range n {
			t = j.Schedule.Next(t)
			if t.IsZero() {
				break
			}
			out = append(out, Firing{At: t, Job: j})
		}
	}
	slices.SortStableFunc(out, func(a, b Firing) int { return a.At.Compare(b.At) })
	return out
}

// Report is what one firing did.
type Report struct {
	Job        string
	Skipped    bool // a refresh was already running
	Run        Run  // the run as the refresh described it; zero when it did not publish
	Evaluation *Evaluation
	Err        error
}

// Daemon refreshes on cron specs, one refresh at a time.
type Daemon struct {
	Monitor *Monitor
	// Refresh runs one refresh of a job's sources (cmd/emigre wires the
	// pipeline in).
	Refresh Refresher
	Jobs    []Job
	Metrics *DaemonMetrics // nil: no metrics
	// OnRefresh, when set, is called after every firing, skipped ones too.
	OnRefresh func(Report)

	running sync.Mutex
}

// Run starts the schedule and blocks until ctx ends (SIGTERM, SIGINT), then
// waits for a running refresh to finish or abandon: a refresh stopped
// before it publishes publishes nothing.
func (d *Daemon) Run(ctx context.Context) error {
	if len(d.Jobs) == 0 {
		return errors.New("schedule: nothing to refresh")
	}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(cronLogger{}))
	for _, j := range d.Jobs {
		c.Schedule(j.Schedule, cron.FuncJob(func() { d.Fire(ctx, j) }))
	}
	c.Start()
	d.setNext()
	for _, f := range Upcoming(d.Jobs, time.Now(), 1) {
		slog.InfoContext(ctx, "scheduled", "spec", f.Job.Spec, "sources", len(f.Job.Sources), "next", f.At)
	}
	<-ctx.Done()
	slog.InfoContext(ctx, "stopping the schedule: a running refresh finishes or is abandoned, publishing nothing")
	<-c.Stop().Done()
	slog.InfoContext(ctx, "schedule stopped")
	return nil
}

// Fire runs the job's refresh now, unless one is already running: then it
// skips and logs that it skipped. A panic anywhere in the refresh is
// recovered and reported as the refresh's failure, so the schedule goes on.
func (d *Daemon) Fire(ctx context.Context, j Job) (rep Report) {
	rep.Job = j.Name()
	if !d.running.TryLock() {
		rep.Skipped = true
		slog.WarnContext(ctx, "refresh skipped: the previous refresh is still running", "spec", j.Spec, "job", rep.Job)
		if d.Metrics != nil {
			d.Metrics.Skipped.Inc()
		}
		d.report(rep)
		return rep
	}
	defer d.running.Unlock()
	if d.Metrics != nil {
		d.Metrics.Running.Set(1)
		defer d.Metrics.Running.Set(0)
	}
	result := "published"
	defer func() {
		if p := recover(); p != nil {
			result = "panicked"
			rep.Err = fmt.Errorf("refresh panicked: %v", p)
			slog.ErrorContext(ctx, "refresh panicked; the schedule goes on", "job", rep.Job, "panic", p,
				"stack", string(debug.Stack()))
		}
		if d.Metrics != nil {
			d.Metrics.Refreshes.WithLabelValues(result).Inc()
		}
		d.report(rep)
	}()
	slog.InfoContext(ctx, "refresh starting", "spec", j.Spec, "job", rep.Job)
	rep.Run, rep.Evaluation, rep.Err = d.Monitor.Refresh(ctx, j.Sources, d.Refresh)
	switch {
	case rep.Err != nil && ctx.Err() != nil:
		result = "abandoned"
		slog.WarnContext(ctx, "refresh abandoned: nothing published", "job", rep.Job, "error", rep.Err)
	case rep.Err != nil:
		result = "failed"
		slog.ErrorContext(ctx, "refresh failed: nothing published", "job", rep.Job, "error", rep.Err)
	default:
		s := rep.Run
		slog.InfoContext(ctx, "refresh published", "run", s.ID, "attempted", s.Attempted, "loaded", s.Loaded,
			"unchanged", s.Unchanged, "failed", s.Failed)
	}
	return rep
}

func (d *Daemon) report(rep Report) {
	d.setNext()
	if d.OnRefresh != nil {
		d.OnRefresh(rep)
	}
}

// setNext publishes the earliest next firing as a metric.
func (d *Daemon) setNext() {
	if d.Metrics == nil {
		return
	}
	if next := Upcoming(d.Jobs, time.Now(), 1); len(next) > 0 {
		d.Metrics.NextRefresh.Set(float64(next[0].At.Unix()))
	}
}

// cronLogger sends robfig/cron's log to slog: its chatter at debug level.
type cronLogger struct{}

func (cronLogger) Info(msg string, kv ...any) { slog.Debug("cron: "+msg, kv...) }
func (cronLogger) Error(err error, msg string, kv ...any) {
	slog.Error("cron: "+msg, append(kv, "error", err)...)
}
