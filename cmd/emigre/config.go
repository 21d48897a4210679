package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/emigre/emigre/extractors/catalogue"
	"github.com/emigre/emigre/quality"
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
}

// Duration is a time.Duration written as "2s" in YAML.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler. Besides Go's units ("90s",
// "36h") it takes whole days ("30d").
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if days, ok := strings.CutSuffix(n.Value, "d"); ok {
		if v, err := strconv.Atoi(days); err == nil && v >= 0 {
			*d = Duration(time.Duration(v) * 24 * time.Hour)
			return nil
		}
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
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
// and applies EMIGRE_* environment overrides.
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
		return cfg, fmt.Errorf("config %s: %w", path, err)
	default:
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)                                               // a misspelt key is an error, not a silent default
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	for env, dst := range map[string]*string{
		"EMIGRE_WAREHOUSE":    &cfg.Warehouse,
		"EMIGRE_ARCHIVE":      &cfg.Archive,
		"EMIGRE_CONTACT":      &cfg.Contact,
		"EMIGRE_ORIGIN":       &cfg.Origin,
		"EMIGRE_WINDOW_START": &cfg.WindowStart,
		"EMIGRE_CATALOGUE":    &cfg.Catalogue,
	} {
		if v := os.Getenv(env); v != "" {
			*dst = v
		}
	}
	if _, err := cfg.windowStart(); err != nil {
		return cfg, err
	}
	if err := cfg.Quality.Validate(); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// catalogue opens the embedded catalogue with the configured folder (or
// the flag's, when given) over it. A problem in a folder is the user's:
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
	return cat, err
}

func (c Config) windowStart() (time.Time, error) {
	t, err := time.Parse(time.DateOnly, c.WindowStart)
	if err != nil {
		return t, fmt.Errorf("window_start %q: want YYYY-MM-DD", c.WindowStart)
	}
	return t, nil
}
