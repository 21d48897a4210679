package catalogue

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/internal/iso3166"
)

// RunParams is what a run gives the catalogue's sources: the origin asked
// for and where credentials come from.
type RunParams struct {
	Origin string // ISO alpha-2 of the citizens counted
	// Env reads an environment variable (os.Getenv); nil leaves every
	// credential out, as an offline replay does (the archive keeps the
	// placeholders, so a replay needs no secret).
	Env func(string) string
	// EnvNames overrides, per source id and credential name, the
	// environment variable that holds a credential (the config's
	// credentials key).
	EnvNames map[string]map[string]string
}

// NotConfiguredError says a source needs a credential the environment does
// not hold: the source is not configured, which is not a failure.
type NotConfiguredError struct {
	Source, Credential, Env string
}

func (e *NotConfiguredError) Error() string {
	return fmt.Sprintf("source %s is not configured: set %s (its %s)", e.Source, e.Env, e.Credential)
}

// ErrOtherOrigin says a source counts one citizenship, not the origin a run
// asks for: a statement, or a table read for a fixed citizenship.
var ErrOtherOrigin = errors.New("the source counts another citizenship")

// ForRun returns the source ready to fetch for the run: {origin} written in
// the source's code system into its requests, reader parameters and
// filters, and its credentials attached as the requests' secrets. A
// source that counts a fixed citizenship other than the origin gives
// ErrOtherOrigin; one whose credential is not set, *NotConfiguredError.
func ForRun(s *extractors.Source, p RunParams) (*extractors.Source, error) {
	if s.OriginCode == "" {
		if fixed := s.Map.FixedCitizenship; fixed != "" && p.Origin != "" && fixed != p.Origin {
			return nil, fmt.Errorf("%s: %w (%s)", s.ID, ErrOtherOrigin, fixed)
		}
	}
	out := clone(s)
	if s.OriginCode != "" {
		code, err := OriginIn(s.OriginCode, p.Origin)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.ID, err)
		}
		fill := func(v string) string { return strings.ReplaceAll(v, "{origin}", code) }
		fillRequests(out, fill)
		for k, v := range out.Params {
			out.Params[k] = fill(v)
		}
		for k, v := range out.Map.Filter {
			out.Map.Filter[k] = fill(v)
		}
	}
	if p.Env == nil || len(s.Credentials) == 0 {
		return out, nil
	}
	secrets := map[string]string{}
	for _, c := range s.Credentials {
		env := c.Env
		if name := p.EnvNames[s.ID][c.Name]; name != "" {
			env = name
		}
		v := p.Env(env)
		if v == "" && !c.Optional {
			return nil, &NotConfiguredError{Source: s.ID, Credential: c.Name, Env: env}
		}
		secrets[c.Name] = v
	}
	for i := range out.Requests {
		out.Requests[i].Secrets = secrets
	}
	return out, nil
}

// OriginIn writes an ISO alpha-2 origin in a source's code system.
func OriginIn(system, origin string) (string, error) {
	a3, ok := iso3166.Alpha3(origin)
	if !ok {
		return "", fmt.Errorf("origin %q is not an ISO 3166-1 alpha-2 code", origin)
	}
	switch system {
	case "alpha2":
		return origin, nil
	case "alpha3":
		return a3, nil
	case "eurostat":
		return iso3166.Eurostat(origin), nil
	case "name":
		return iso3166.Name(origin), nil
	default:
		return "", fmt.Errorf("origin code system %q: want %s", system, strings.Join(OriginCodes, ", "))
	}
}

func fillRequests(s *extractors.Source, fill func(string) string) {
	for i := range s.Requests {
		r := &s.Requests[i]
		r.URL, r.Body = fill(r.URL), fill(r.Body)
		for k, v := range r.Header {
			r.Header[k] = fill(v)
		}
	}
}

// clone copies a source deeply enough that filling it leaves the
// catalogue's untouched.
func clone(s *extractors.Source) *extractors.Source {
	c := *s
	c.Params = maps.Clone(s.Params)
	c.Map.Filter = maps.Clone(s.Map.Filter)
	c.Requests = make([]extractors.Request, len(s.Requests))
	for i, r := range s.Requests {
		r.Header = maps.Clone(r.Header)
		c.Requests[i] = r
	}
	return &c
}
