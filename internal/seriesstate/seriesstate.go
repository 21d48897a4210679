// Package seriesstate names the states of a series (one source's figures
// for one destination) the way every view shows them: the run's summary,
// emigre status and sources, the report and the dashboard. Package
// schedules judges the states; this package only orders and counts them,
// so that views which may not import schedules (the report) say the same.
package seriesstate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Order is the order every view lists states in: ok first, then what needs
// someone, then what nobody asked (the run did not fetch it).
var Order = []string{"ok", "stale", "failing", "broken", "dead-link", "unknown", "not-configured", "not-archived"}

// Label is a state in words: "not configured" for not-configured.
func Label(state string) string { return strings.ReplaceAll(state, "-", " ") }

// Counts is "190 ok, 31 stale, 6 not archived": the states with any series,
// in Order (a state this emigre does not know, from a newer one, after
// them); "none" when there is no series.
func Counts(counts map[string]int) string {
	var parts []string
	for _, s := range Order {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, Label(s)))
		}
	}
	for _, s := range slices.Sorted(maps.Keys(counts)) {
		if n := counts[s]; n > 0 && !slices.Contains(Order, s) {
			parts = append(parts, fmt.Sprintf("%d %s", n, Label(s)))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
