package quality

import "time"

// monthsLate is how many months (of 30.44 days) now is past due; 0 when it
// is not.
func monthsLate(due, now time.Time) float64 {
	if !now.After(due) {
		return 0
	}
	return now.Sub(due).Hours() / 24 / 30.44
}
