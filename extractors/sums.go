package extractors

// ComponentSum is a destination whose estimate is a documented sum of named
// gross components (docs/method.md, "A sum of gross components"): it
// publishes no residence figure by citizenship, so the estimate adds flows
// of named kinds (immigrant visas, long-term visas, asylum applications),
// each read from its own sources. The parts are not alternative methods.
type ComponentSum struct {
	Destination string // ISO 3166-1 alpha-2
	// Reason says why the destination is a sum and what the sum misses or
	// counts twice.
	Reason     string
	Components []SumComponent
}

// SumComponent is one named part of a sum: the destination's rows of its
// sources (several when the part comes in several files, each covering its
// own months).
type SumComponent struct {
	Name    string
	Sources []string
}
