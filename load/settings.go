package load

import (
	"fmt"
	"regexp"
	"runtime"
	"sync"
)

// Settings are DuckDB's resources for every database this package opens:
// the warehouse a refresh builds, the run log, and the readers. They come
// from the config (duckdb: threads, memory_limit); the bench prints them.
type Settings struct {
	// Threads DuckDB may run a query on; 0 is DefaultThreads.
	Threads int
	// MemoryLimit caps DuckDB's buffer manager, in DuckDB's units (512MB,
	// 1GB); "" is DefaultMemoryLimit. Past it DuckDB spills to disk.
	MemoryLimit string
}

// DefaultMemoryLimit is the memory limit when the config sets none: ample
// for a warehouse of years of daily refreshes, and far below DuckDB's own
// default of 80% of the machine's memory, which a scheduled job on a
// shared machine should not claim.
const DefaultMemoryLimit = "1GB"

// DefaultThreads is the thread count when the config sets none: one per
// CPU, DuckDB's own default.
func DefaultThreads() int { return runtime.NumCPU() }

var (
	settingsMu sync.Mutex
	current    = Settings{}
)

var memoryLimitSyntax = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Configure sets the DuckDB settings of every database opened from now on.
func Configure(s Settings) error {
	if s.Threads < 0 {
		return fmt.Errorf("duckdb threads %d: must be positive", s.Threads)
	}
	if s.MemoryLimit != "" && !memoryLimitSyntax.MatchString(s.MemoryLimit) {
		return fmt.Errorf("duckdb memory_limit %q: want a size such as 512MB or 2GB", s.MemoryLimit)
	}
	settingsMu.Lock()
	defer settingsMu.Unlock()
	current = s
	return nil
}

// CurrentSettings returns the settings in force, defaults filled in.
func CurrentSettings() Settings {
	settingsMu.Lock()
	s := current
	settingsMu.Unlock()
	if s.Threads == 0 {
		s.Threads = DefaultThreads()
	}
	if s.MemoryLimit == "" {
		s.MemoryLimit = DefaultMemoryLimit
	}
	return s
}

// duckdbSettings is the settings as DSN options, each preceded by &.
func duckdbSettings() string { return "&" + DSNOptions() }

// DSNOptions is the settings as DuckDB DSN options (threads=2&...): what
// every database here is opened with, for a tool (the bench's floors) to
// open its own the same way. Besides threads and the memory limit, DuckDB
// is told to hand memory freed in bulk (a query's hash tables, a
// checkpoint's buffers) back to the system at once rather than keep it
// cached for the next query: a refresh runs many small queries once, and
// its footprint should be what it holds, not what it once held.
func DSNOptions() string {
	s := CurrentSettings()
	return fmt.Sprintf("threads=%d&memory_limit=%s&allocator_bulk_deallocation_flush_threshold=1MB", s.Threads, s.MemoryLimit)
}
