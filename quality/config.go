package quality

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/emigre/emigre/load"
)

// Rules: each names one measured quantity with its own warn and fail
// limits. Several rules store their rows under one check name (Check* below):
// coverage is a completeness check of a destination, parts_total and
// stock_flows are both consistency checks.
const (
	RuleShape        = "shape"        // share of the expected series absent from the answer
	RuleCompleteness = "completeness" // share of the source's usual row count missing this run
	RuleCoverage     = "coverage"     // share of a destination's sources without current data
	RuleValidity     = "validity"     // share of the source's rows that are invalid
	RulePartsTotal   = "parts_total"  // relative gap between the sum of sub-periods and the period's total
	RuleStockFlows   = "stock_flows"  // relative gap between a stock change and the net flows over the same span
	RuleAnomaly      = "anomaly"      // robust z-score of the newest value against the series' history
	RuleRevision     = "revision"     // largest relative change of a published number since the last vintage
)

// Check names as stored in quality_checks.check_name (defined in package
// load, which the report reads them from).
const (
	CheckShape        = load.CheckShape
	CheckCompleteness = load.CheckCompleteness
	CheckValidity     = load.CheckValidity
	CheckConsistency  = load.CheckConsistency
	CheckAnomaly      = load.CheckAnomaly
	CheckRevision     = load.CheckRevision
)

// Limits are the warn and fail thresholds of one rule. Every rule measures a
// quantity where more is worse: the outcome is fail when the observed value
// exceeds Fail, warn when it exceeds Warn, pass otherwise.
type Limits struct {
	Warn float64 `yaml:"warn" json:"warn"`
	Fail float64 `yaml:"fail" json:"fail"`
}

// DefaultLimits are the thresholds used where the configuration says
// nothing. Why each is what it is:
//   - shape: any expected series missing warns; more than half missing (a
//     renamed dimension or code) fails.
//   - completeness: a fifth of the usual rows missing warns; losing nearly
//     all (zero rows from a source that usually has rows) fails.
//   - coverage: a destination where some sources have no data warns, one
//     where none has fails.
//   - validity: any invalid row warns; more than 5% fails.
//   - parts_total: sub-periods and totals of one publisher should agree to
//     rounding: 1% warns, 5% fails.
//   - stock_flows: stocks and flows come from different registers
//     (naturalisations, deaths and late registrations separate them): 25%
//     warns, 50% fails.
//   - anomaly: 3.5 is Iglewicz and Hoaglin's cut-off for the modified
//     z-score; 8 is far beyond anything a revision of method explains.
//   - revision: revising provisional figures is normal: 5% warns, 50% fails.
func DefaultLimits() map[string]Limits {
	return map[string]Limits{
		RuleShape:        {Warn: 0, Fail: 0.5},
		RuleCompleteness: {Warn: 0.2, Fail: 0.9},
		RuleCoverage:     {Warn: 0, Fail: 0.99},
		RuleValidity:     {Warn: 0, Fail: 0.05},
		RulePartsTotal:   {Warn: 0.01, Fail: 0.05},
		RuleStockFlows:   {Warn: 0.25, Fail: 0.5},
		RuleAnomaly:      {Warn: 3.5, Fail: 8},
		RuleRevision:     {Warn: 0.05, Fail: 0.5},
	}
}

// Rules lists the rule names, sorted.
func Rules() []string { return slices.Sorted(maps.Keys(DefaultLimits())) }

// Config sets the thresholds: Limits overrides the defaults for every
// source, Sources overrides them per source id. A rule absent from both
// keeps its default. It is the `quality:` section of emigre.yaml:
//
//	quality:
//	  limits:
//	    anomaly: {warn: 4, fail: 10}
//	  sources:
//	    fi-statfin-muutl:
//	      anomaly: {warn: 5, fail: 12}
//	  known_flags: bcdefnprsuz
type Config struct {
	Limits  map[string]Limits            `yaml:"limits"`
	Sources map[string]map[string]Limits `yaml:"sources"`
	// KnownFlags are the status flag letters a published flag may combine
	// (Eurostat's: b break, c confidential, d definition differs, e
	// estimated, f forecast, n not significant, p provisional, r revised,
	// s Eurostat estimate, u low reliability, z not applicable).
	KnownFlags string `yaml:"known_flags"`
}

// DefaultKnownFlags are Eurostat's flag letters.
const DefaultKnownFlags = "bcdefnprsuz"

// Validate reports unknown rule names and limits that cannot be right.
func (c Config) Validate() error {
	check := func(where string, ls map[string]Limits) error {
		for rule, l := range ls {
			if _, ok := DefaultLimits()[rule]; !ok {
				return fmt.Errorf("quality: %s: unknown rule %q (known: %s)", where, rule, strings.Join(Rules(), ", "))
			}
			switch {
			case math.IsNaN(l.Warn) || math.IsNaN(l.Fail) || l.Warn < 0 || l.Fail < 0:
				return fmt.Errorf("quality: %s: %s: limits must be non-negative numbers, got warn %v fail %v", where, rule, l.Warn, l.Fail)
			case l.Warn > l.Fail:
				return fmt.Errorf("quality: %s: %s: warn %v is above fail %v", where, rule, l.Warn, l.Fail)
			}
		}
		return nil
	}
	if err := check("limits", c.Limits); err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(c.Sources)) {
		if err := check("sources: "+id, c.Sources[id]); err != nil {
			return err
		}
	}
	return nil
}

// limits returns the thresholds of rule for source (empty for checks of a
// destination).
func (c Config) limits(rule, source string) Limits {
	if l, ok := c.Sources[source][rule]; ok && source != "" {
		return l
	}
	if l, ok := c.Limits[rule]; ok {
		return l
	}
	return DefaultLimits()[rule]
}

func (c Config) knownFlags() string {
	if c.KnownFlags == "" {
		return DefaultKnownFlags
	}
	return c.KnownFlags
}

// judge compares an observed quantity with the limits and returns the
// outcome and the threshold it was judged against (the fail limit when it
// failed, the warn limit otherwise).
func judge(observed float64, l Limits) (outcome string, threshold float64) {
	switch {
	case observed > l.Fail:
		return OutcomeFail, l.Fail
	case observed > l.Warn:
		return OutcomeWarn, l.Warn
	default:
		return OutcomePass, l.Warn
	}
}
