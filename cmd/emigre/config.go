package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/quality"
	"github.com/emigre/emigre/transform"
)

// Config is the config file (emigre.yaml), with environment overrides. Every
// field has a default, so no file is needed to start.
type Config struct {
	// Warehouse is the published DuckDB file analysts open.
	Warehouse string `yaml:"warehouse"`
	// Archive is where live runs record every response.
	Archive string `yaml:"archive"`
	// Contact goes into the User-Agent so publishers can reach us.
	Contact string `yaml:"contact"`
	// Origin is the citizenship counted (ISO alpha-2).
	Origin string `yaml:"origin"`
	// WindowStart is the start of the estimate window.
	WindowStart string `yaml:"window_start"`
	Fetch       struct {
		Delay    Duration `yaml:"delay"`
		Timeout  Duration `yaml:"timeout"`
		MaxBytes int64    `yaml:"max_bytes"`
		Retries  *int     `yaml:"retries"`
		// Deadline bounds a run's fetching (default 30m): what is not
		// fetched by then fails, and the rest publishes.
		Deadline Duration `yaml:"deadline"`
	} `yaml:"fetch"`
	// Mirrors rewrites URL prefixes (a caching proxy, a test server).
	Mirrors map[string]string `yaml:"mirrors"`
	// Catalogue is a folder of the user's own sources (YAML, the layout of
	// extractors/catalogue): they add to the embedded catalogue, or replace
	// an embedded source of the same id.
	Catalogue string `yaml:"catalogue"`
	// Credentials names, per source id and credential, the environment
	// variable that holds it, when not the catalogue's default.
	Credentials map[string]map[string]string `yaml:"credentials"`
	// Exclude lists source ids that runs skip.
	Exclude []string `yaml:"exclude"`
	// Quality sets the warn and fail thresholds of the data-quality checks,
	// for every source or per source id (see package quality).
	Quality quality.Config `yaml:"quality"`
	// Schedule is when `emigre schedule` refreshes.
	Schedule struct {
		// Refresh is the cron spec of the refresh of every source
		// (default "0 6 * * *": daily at 06:00 UTC).
		Refresh string `yaml:"refresh"`
		// Sources gives some sources a spec of their own (source id -> spec).
		Sources map[string]string `yaml:"sources"`
		// MetricsListen is the address the daemon serves /metrics on
		// (":9464"); empty for none.
		MetricsListen string `yaml:"metrics_listen"`
	} `yaml:"schedule"`
	// Alerts says when a source is in trouble and how often to repeat it.
	Alerts struct {
		// Digest is the cron spec on which open alerts are sent again
		// (default "0 8 * * 1": Mondays 08:00 UTC).
		Digest string `yaml:"digest"`
		// FailingAfter is how many failed runs in a row make a source
		// failing (default 3).
		FailingAfter int `yaml:"failing_after"`
		// Grace is how long past its due date a period may be missing
		// before the source is stale (default 30d).
		Grace *Duration `yaml:"grace"`
	} `yaml:"alerts"`
	// Sinks are where alerts go besides the log. Secrets are never in this
	// file: each *_env key names the environment variable that holds one.
	Sinks struct {
		Webhook struct {
			URL       string `yaml:"url"`
			SecretEnv string `yaml:"secret_env"` // HMAC-SHA256 key of the signature header
		} `yaml:"webhook"`
		Slack struct {
			URLEnv string `yaml:"url_env"` // the incoming webhook's URL is its secret
		} `yaml:"slack"`
		SMTP struct {
			Host        string   `yaml:"host"`
			Port        int      `yaml:"port"` // 587 by default; STARTTLS is required
			From        string   `yaml:"from"`
			To          []string `yaml:"to"`
			Username    string   `yaml:"username"`
			PasswordEnv string   `yaml:"password_env"`
		} `yaml:"smtp"`
	} `yaml:"sinks"`

	// DuckDB sets the resources of every DuckDB database emigre opens:
	// threads (default: one per CPU) and memory_limit (default 1GB; past
	// it DuckDB spills to disk).
	DuckDB struct {
		Threads     int    `yaml:"threads"`
		MemoryLimit string `yaml:"memory_limit"`
	} `yaml:"duckdb"`

	// Where the values came from, for errors: the file read (and its
	// YAML, for lines) and the keys set by environment variables.
	file    string
	doc     *yaml.Node
	fromEnv map[string]string
}

// Duration is a time.Duration written as "2s" in YAML.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// parseDuration reads a config duration: Go's units ("90s", "36h") or
// whole days ("30d").
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if v, err := strconv.Atoi(days); err == nil && v >= 0 {
			return time.Duration(v) * 24 * time.Hour, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (write 90s, 10m, 36h or 30d)", s)
	}
	return v, nil
}

func defaultConfig() Config {
	return Config{
		Warehouse:   "emigre.duckdb",
		Archive:     "emigre-archive",
		Origin:      "RU",
		WindowStart: "2022-01-01",
	}
}

// loadConfig reads path (or $EMIGRE_CONFIG, or ./emigre.yaml if present)
// and applies EMIGRE_* environment overrides. Its errors are the user's
// (usage errors) and name the file, line and key, and what is accepted.
func loadConfig(path string) (Config, error) {
	cfg := defaultConfig()
	explicit := path != ""
	if path == "" {
		path = os.Getenv("EMIGRE_CONFIG")
		explicit = path != ""
	}
	if path == "" {
		path = "emigre.yaml"
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
	case err != nil:
		return cfg, usagef("config %s: %w", path, err)
	default:
		if err := cfg.decode(path, b); err != nil {
			return cfg, usageError{err}
		}
	}
	cfg.fromEnv = map[string]string{}
	for env, key := range envKeys {
		if v := os.Getenv(env); v != "" {
			*cfg.field(key) = v
			cfg.fromEnv[key] = env
		}
	}
	if _, err := cfg.windowStart(); err != nil {
		return cfg, usageError{err}
	}
	if err := cfg.Quality.Validate(); err != nil {
		return cfg, usagef("config %s: %w", path, err)
	}
	if err := load.Configure(load.Settings{Threads: cfg.DuckDB.Threads, MemoryLimit: cfg.DuckDB.MemoryLimit}); err != nil {
		return cfg, usagef("config %s: %w", path, err)
	}
	return cfg, nil
}

// envKeys are the environment variables that override a config key.
var envKeys = map[string]string{
	"EMIGRE_WAREHOUSE":    "warehouse",
	"EMIGRE_ARCHIVE":      "archive",
	"EMIGRE_CONTACT":      "contact",
	"EMIGRE_ORIGIN":       "origin",
	"EMIGRE_WINDOW_START": "window_start",
	"EMIGRE_CATALOGUE":    "catalogue",
}

// field is the string field of a top-level key of envKeys.
func (c *Config) field(key string) *string {
	return map[string]*string{"warehouse": &c.Warehouse, "archive": &c.Archive, "contact": &c.Contact,
		"origin": &c.Origin, "window_start": &c.WindowStart, "catalogue": &c.Catalogue}[key]
}

// decode reads the file's YAML into c after checking every key and value
// against the Config type, so that a mistake is reported in the file's
// terms (line, key, accepted keys or values), never in Go's.
func (c *Config) decode(path string, b []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("config %s: not YAML: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file: every default
	}
	if err := checkNode(path, doc.Content[0], reflect.TypeFor[Config](), ""); err != nil {
		return err
	}
	if err := doc.Decode(c); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	c.file, c.doc = path, doc.Content[0]
	return nil
}

// where says where a top-level key's value came from, for errors: the
// environment variable, the file and line, or the default.
func (c Config) where(key string) string {
	if env, ok := c.fromEnv[key]; ok {
		return env
	}
	if n := c.lookup(key); n != nil {
		return fmt.Sprintf("config %s line %d: %s", c.file, n.Line, key)
	}
	return key + " (default)"
}

// lookup is the value node at a path of mapping keys in the config file;
// nil when the file does not set it.
func (c Config) lookup(path ...string) *yaml.Node {
	n := c.doc
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// origin is the citizenship a command counts: the flag's when given, else
// the configured one; a code that is not a country is an error naming
// where it came from.
func (c Config) origin(flagValue string) (string, error) {
	v, where := flagValue, "--origin"
	if v == "" {
		v, where = c.Origin, c.where("origin")
	}
	code, err := transform.CountryCode(v)
	if err != nil {
		return "", usagef("%s: %q is not a country: want an ISO 3166 alpha-2 code such as RU, BY or UA", where, v)
	}
	return code, nil
}

// catalogue opens the embedded catalogue with the configured folder (or
// the flag's, when given) over it, and checks the source ids the config
// names against it. A problem in a folder or an unknown id is the user's:
// a usage error naming the file, line and field.
func (c Config) catalogue(flagDir string) (*catalogue.Catalogue, error) {
	dir := c.Catalogue
	if flagDir != "" {
		dir = flagDir
	}
	cat, err := catalogue.Open(dir)
	if err != nil && dir != "" {
		return nil, usageError{err}
	}
	if err != nil {
		return nil, err
	}
	return cat, c.checkSourceIDs(cat)
}

// sourceIDKeys are the config's places that name sources: lists of ids and
// mappings keyed by id.
var sourceIDKeys = [][]string{{"exclude"}, {"quality", "sources"}, {"credentials"}, {"schedule", "sources"}}

// checkSourceIDs refuses a source id the catalogue does not hold: a typo
// in exclude: would otherwise run the source, one in quality: would keep
// the default thresholds, both silently.
func (c Config) checkSourceIDs(cat *catalogue.Catalogue) error {
	for _, path := range sourceIDKeys {
		n := c.lookup(path...)
		if n == nil {
			continue
		}
		var ids []*yaml.Node
		switch n.Kind {
		case yaml.SequenceNode:
			ids = n.Content
		case yaml.MappingNode:
			for i := 0; i < len(n.Content); i += 2 {
				ids = append(ids, n.Content[i])
			}
		}
		for _, id := range ids {
			if _, err := cat.Source(id.Value); err != nil {
				return usagef("config %s line %d: %s: unknown source %q (emigre sources lists them)",
					c.file, id.Line, strings.Join(path, "."), id.Value)
			}
		}
	}
	return nil
}

func (c Config) windowStart() (time.Time, error) {
	t, err := time.Parse(time.DateOnly, c.WindowStart)
	if err != nil {
		return t, fmt.Errorf("%s: %q is not a date: want YYYY-MM-DD", c.where("window_start"), c.WindowStart)
	}
	return t, nil
}
