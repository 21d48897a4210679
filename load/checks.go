package load

// Check names as stored in quality_checks.check_name: the families of data
// quality checks package quality runs (see its documentation for what each
// measures). They live here, beside QualityCheckRow and the Outcome
// values, so that the report reads the table without importing the checks.
const (
	CheckShape        = "shape"
	CheckCompleteness = "completeness"
	CheckValidity     = "validity"
	CheckConsistency  = "consistency"
	CheckAnomaly      = "anomaly"
	CheckRevision     = "revision"
	// CheckFreshness is no longer run: a series' freshness is its state
	// (source_states). Warehouses written before keep rows of it.
	CheckFreshness = "freshness"
)

// CheckNames lists the check names in the order reports show them.
func CheckNames() []string {
	return []string{CheckShape, CheckCompleteness, CheckValidity, CheckConsistency,
		CheckAnomaly, CheckRevision}
}
