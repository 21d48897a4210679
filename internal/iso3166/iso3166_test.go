package iso3166

import (
	"regexp"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	if got := len(countries); got != 250 { // ISO 3166-1's 249 plus Kosovo
		t.Fatalf("len(countries) = %d, want 250", got)
	}
	re2, re3 := regexp.MustCompile(`^[A-Z]{2}$`), regexp.MustCompile(`^[A-Z]{3}$`)
	seen3 := map[string]bool{}
	for _, c := range countries {
		if !re2.MatchString(c.a2) || !re3.MatchString(c.a3) || c.name == "" {
			t.Errorf("malformed row %+v", c)
		}
		if seen3[c.a3] {
			t.Errorf("alpha-3 %s listed twice", c.a3)
		}
		seen3[c.a3] = true
		// Every code and name leads back to the row.
		for _, s := range append([]string{c.a2, c.a3, c.name, strings.ToLower(c.name)}, c.alt...) {
			if got, err := Code(s); err != nil || got != c.a2 {
				t.Errorf("Code(%q) = %q, %v; want %s", s, got, err, c.a2)
			}
		}
	}
}

func TestCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"DE", "DE"}, {"de", "DE"}, {"DEU", "DE"}, {"deu", "DE"}, {"Germany", "DE"}, {"  GERMANY ", "DE"},
		{"EL", "GR"}, {"el", "GR"}, {"GRC", "GR"}, {"Greece", "GR"},
		{"UK", "GB"}, {"GBR", "GB"}, {"United Kingdom", "GB"},
		{"XK", "XK"}, {"XKX", "XK"}, {"Kosovo", "XK"},
		{"RUS", "RU"}, {"Russian Federation", "RU"}, {"russia", "RU"},
		{"Türkiye", "TR"}, {"Turkiye", "TR"}, {"Turkey", "TR"},
		{"Netherlands (the)", "NL"}, {"the Netherlands", "NL"},
		{"Korea, Republic of", "KR"}, {"Côte d'Ivoire", "CI"}, {"Cote d'Ivoire", "CI"},
		{"Bosnia & Herzegovina", "BA"}, {"Czech Republic", "CZ"}, {"United States of America", "US"},
	} {
		got, err := Code(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Code(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "ZZ", "EU", "XXX", "Atlantis", "Soviet Union"} {
		if got, err := Code(in); err == nil {
			t.Errorf("Code(%q) = %q, want an error", in, got)
		}
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{"GR": "Greece", "gb": "United Kingdom", "RU": "Russia",
		"XK": "Kosovo", "GE": "Georgia", "ZZ": "ZZ"} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAlpha3AndEurostat(t *testing.T) {
	if a3, ok := Alpha3("ru"); !ok || a3 != "RUS" {
		t.Errorf("Alpha3(ru) = %q, %v", a3, ok)
	}
	if _, ok := Alpha3("ZZ"); ok {
		t.Error("Alpha3(ZZ) is not a country")
	}
	for a2, want := range map[string]string{"GR": "EL", "GB": "UK", "UA": "UA"} {
		if got := Eurostat(a2); got != want {
			t.Errorf("Eurostat(%s) = %s, want %s", a2, got, want)
		}
	}
}
