package schedules

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Event is what happened to an alert.
type Event string

const (
	Opened   Event = "opened"   // the source entered a bad state
	Repeated Event = "repeated" // still in it: the digest is due
	Resolved Event = "resolved" // it left the state
)

// PayloadVersion is the version of the JSON a webhook receives.
const PayloadVersion = "1"

// Notification is one alert event as the sinks send it.
type Notification struct {
	Event       Event  `json:"event"`
	AlertID     string `json:"alert_id"`
	SourceID    string `json:"source_id"`
	Destination string `json:"destination"`
	Title       string `json:"title"`
	Homepage    string `json:"homepage,omitempty"`
	// Kind is the bad state the alert is about; SourceState the source's
	// state now (the same while open; ok, unknown or another bad state
	// once resolved), StateReason why.
	Kind        State  `json:"kind"`
	Reason      string `json:"reason"`
	SourceState State  `json:"source_state"`
	StateReason string `json:"state_reason"`
	// When the condition was first and last seen and, once resolved, when
	// it ended: instants the source was judged at (fetch times).
	FirstSeen  time.Time  `json:"first_seen"`
	LastSeen   time.Time  `json:"last_seen"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	// The calendar: newest period published, the period expected by the
	// time judged and its due date (YYYY-MM-DD; absent when unknown).
	NewestPeriod        string `json:"newest_period,omitempty"`
	ExpectedPeriod      string `json:"expected_period,omitempty"`
	DueBy               string `json:"due_by,omitempty"`
	ConsecutiveFailures int    `json:"consecutive_failures"`
	HTTPStatus          int    `json:"http_status,omitempty"`
}

// Batch is the alert events of one run: each sink sends one message per
// batch.
type Batch struct {
	Version   string         `json:"version"`
	Generator string         `json:"generator"`
	RunID     string         `json:"run_id"`
	Sample    bool           `json:"sample"` // the run replayed the sample archive
	SentAt    time.Time      `json:"sent_at"`
	Alerts    []Notification `json:"alerts"`
}

func notification(c change, a *Attempt, j Judgement, f Facts) Notification {
	n := Notification{
		Event: c.event, AlertID: c.row.AlertID, SourceID: a.Source.ID, Destination: a.Destination,
		Title: a.Source.Title, Homepage: a.Source.Homepage, Kind: c.kind, Reason: c.row.Reason,
		SourceState: j.State, StateReason: j.Reason, FirstSeen: c.row.FirstSeen.UTC(), LastSeen: c.row.LastSeen.UTC(),
		NewestPeriod: dateString(j.NewestPeriod), ExpectedPeriod: dateString(j.ExpectedPeriod), DueBy: dateString(j.DueBy),
		ConsecutiveFailures: j.ConsecutiveFailures, HTTPStatus: f.LastHTTPStatus,
	}
	if !c.row.ResolvedAt.IsZero() {
		t := c.row.ResolvedAt.UTC()
		n.ResolvedAt = &t
	}
	return n
}

func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Line is the notification in one line of plain text (log, chat, e-mail).
func (n Notification) Line() string {
	where := n.SourceID
	if n.Destination != "" {
		where += " (" + n.Destination + ")"
	}
	switch n.Event {
	case Resolved:
		return fmt.Sprintf("RESOLVED %s is %s again, no longer %s (since %s): %s", where, n.SourceState, n.Kind,
			n.FirstSeen.Format(time.DateOnly), n.StateReason)
	case Repeated:
		return fmt.Sprintf("STILL %s: %s since %s: %s", strings.ToUpper(string(n.Kind)), where,
			n.FirstSeen.Format(time.DateOnly), n.Reason)
	default:
		return fmt.Sprintf("%s: %s: %s", strings.ToUpper(string(n.Kind)), where, n.Reason)
	}
}

// Subject is a one-line summary of the batch (an e-mail subject).
func (b Batch) Subject() string {
	counts := map[Event]int{}
	var ids []string
	for _, n := range b.Alerts {
		counts[n.Event]++
		if len(ids) < 3 {
			ids = append(ids, n.SourceID+" "+string(n.Kind))
		}
	}
	var parts []string
	for _, e := range []Event{Opened, Repeated, Resolved} {
		if counts[e] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[e], e))
		}
	}
	s := "[emigre] " + strings.Join(parts, ", ") + ": " + strings.Join(ids, ", ")
	if len(b.Alerts) > len(ids) {
		s += ", ..."
	}
	return s
}

// Text is the batch in plain text, one line per event.
func (b Batch) Text() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (run %s)\n", b.Subject(), b.RunID)
	if b.Sample {
		sb.WriteString("The run replayed the SAMPLE archive shipped with emigre: not live data.\n")
	}
	for _, n := range b.Alerts {
		sb.WriteString("- " + n.Line() + "\n")
	}
	return sb.String()
}

// Sink carries alert events somewhere people look.
type Sink interface {
	// Name says which sink, for the log; it never holds a secret.
	Name() string
	Send(ctx context.Context, b Batch) error
}

// Deliver logs every event of the batch and sends the batch to each sink,
// retrying a failing one with backoff. A sink that still fails is logged:
// the alerts stay in the warehouse, and the refresh is not failed.
func (m *Monitor) Deliver(ctx context.Context, b Batch) {
	if len(b.Alerts) == 0 {
		return
	}
	b.SentAt = m.now()
	for _, n := range b.Alerts {
		level := slog.LevelWarn
		if n.Event == Resolved {
			level = slog.LevelInfo
		}
		slog.Log(ctx, level, "alert "+string(n.Event), "alert", n.AlertID, "source", n.SourceID,
			"kind", n.Kind, "reason", n.Reason, "state", n.SourceState, "state_reason", n.StateReason, "run", b.RunID)
	}
	for _, s := range m.Sinks {
		if err := m.sendWithRetry(ctx, s, b); err != nil {
			slog.ErrorContext(ctx, "alert sink failed; the alerts stay in the warehouse", "sink", s.Name(),
				"alerts", len(b.Alerts), "run", b.RunID, "error", err)
		}
	}
}

func (m *Monitor) sendWithRetry(ctx context.Context, s Sink, b Batch) error {
	retries, wait := m.Retries, m.Backoff
	if retries <= 0 {
		retries = 3
	}
	if wait <= 0 {
		wait = 2 * time.Second
	}
	for attempt := 1; ; attempt++ {
		err := s.Send(ctx, b)
		if err == nil {
			if attempt > 1 {
				slog.InfoContext(ctx, "alert sink delivered after retrying", "sink", s.Name(), "attempts", attempt)
			}
			return nil
		}
		if attempt > retries {
			return fmt.Errorf("after %d attempts: %w", attempt, err)
		}
		slog.WarnContext(ctx, "alert sink failed; retrying", "sink", s.Name(), "attempt", attempt, "wait", wait, "error", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("after %d attempts: %w (%w)", attempt, err, ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
}
