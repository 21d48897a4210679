package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
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
	// Exclude lists source ids that runs skip.
	Exclude []string `yaml:"exclude"`
}

// Duration is a time.Duration written as "2s" in YAML.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
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
	} {
		if v := os.Getenv(env); v != "" {
			*dst = v
		}
	}
	if _, err := cfg.windowStart(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func (c Config) windowStart() (time.Time, error) {
	t, err := time.Parse(time.DateOnly, c.WindowStart)
	if err != nil {
		return t, fmt.Errorf("window_start %q: want YYYY-MM-DD", c.WindowStart)
	}
	return t, nil
}
