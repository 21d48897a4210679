package iso3166

import (
	"fmt"
	"slices"
	"strings"
)

// Lookups over the table: by code or name, by alpha-2, and the whole
// table as rows.

// Code returns the ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3 code, a
// publisher alias (EL, UK) or an English name, case-insensitively.
func Code(s string) (string, error) {
	if a2, ok := byKey[normalize(s)]; ok {
		return a2, nil
	}
	return "", fmt.Errorf("unknown country %q", s)
}

// Name returns the English short name of an alpha-2 code, or the code
// itself when it is not in the table.
func Name(iso2 string) string {
	if c, ok := byAlpha2[strings.ToUpper(iso2)]; ok {
		return c.name
	}
	return iso2
}

// Alpha3 returns the alpha-3 code of an alpha-2 code.
func Alpha3(iso2 string) (string, bool) {
	c, ok := byAlpha2[strings.ToUpper(iso2)]
	if !ok {
		return "", false
	}
	return c.a3, true
}

// Eurostat returns the code Eurostat writes for an alpha-2 code: EL for
// Greece, UK for the United Kingdom, the code itself otherwise.
func Eurostat(iso2 string) string {
	for alias, a2 := range aliases {
		if a2 == iso2 {
			return alias
		}
	}
	return iso2
}

// Country is one row of the country code table, as the warehouse's
// countries reference table carries it.
type Country struct {
	Alpha2 string // ISO 3166-1 alpha-2 (XK for Kosovo)
	Alpha3 string // ISO 3166-1 alpha-3 (XKX for Kosovo)
	Name   string // common English short name, as in reports
}

// All returns the code table ordered by alpha-2 code: every ISO
// 3166-1 country plus Kosovo. Publisher aliases (EL, UK) are not rows.
func All() []Country {
	out := make([]Country, 0, len(countries))
	for _, c := range countries {
		out = append(out, Country{Alpha2: c.a2, Alpha3: c.a3, Name: c.name})
	}
	slices.SortFunc(out, func(a, b Country) int { return strings.Compare(a.Alpha2, b.Alpha2) })
	return out
}

// byAlpha2 and byKey index the table; init builds them and refuses a key
// that would name two countries.
var (
	byAlpha2 = map[string]*country{}
	byKey    = map[string]string{} // normalized code or name -> alpha-2
)

func init() {
	add := func(key, a2 string) {
		k := normalize(key)
		if prev, dup := byKey[k]; dup && prev != a2 {
			panic(fmt.Sprintf("iso3166: %q names both %s and %s", key, prev, a2))
		}
		byKey[k] = a2
	}
	for i := range countries {
		c := &countries[i]
		if _, dup := byAlpha2[c.a2]; dup {
			panic("iso3166: country listed twice: " + c.a2)
		}
		byAlpha2[c.a2] = c
		add(c.a2, c.a2)
		add(c.a3, c.a2)
		add(c.name, c.a2)
		for _, a := range c.alt {
			add(a, c.a2)
		}
	}
	for k, v := range aliases {
		add(k, v)
	}
}

// fold strips the diacritics that occur in country names, so "Turkiye" and
// "Türkiye" are the same key.
var fold = strings.NewReplacer("å", "a", "é", "e", "ç", "c", "ô", "o", "ü", "u", "ã", "a", "í", "i", "’", "'", "&", "and")

// normalize makes a lookup key: lower case, folded, single spaces, without
// ISO's "(the)" and a leading "the".
func normalize(s string) string {
	s = fold.Replace(strings.ToLower(s))
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimSuffix(s, " (the)")
	s = strings.TrimPrefix(s, "the ")
	return s
}
