package catalogue

import (
	"errors"
	"strings"
	"testing"
)

func TestTheUnitedStatesAreASumOfNamedComponents(t *testing.T) {
	sums := MustDefault().Sums()
	if len(sums) != 1 || sums[0].Destination != "US" {
		t.Fatalf("sums %+v, want the United States", sums)
	}
	var names []string
	for _, c := range sums[0].Components {
		names = append(names, c.Name)
		for _, id := range c.Sources {
			if s, err := MustDefault().Source(id); err != nil || s.Verified.How == "" {
				t.Errorf("%s: %v", id, err)
			}
		}
	}
	if strings.Join(names, "; ") != "immigrant visas; long-term nonimmigrant visas; asylum applications" {
		t.Errorf("components %v", names)
	}
}

func TestSumProblemsNameTheField(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"unknown source", "- destination: US\n  reason: r\n  components:\n    - name: visas\n      sources: [us-nobody]\n",
			`components[0].sources[0]: unknown source "us-nobody"`},
		{"another country's source", "- destination: US\n  reason: r\n  components:\n    - name: visas\n      sources: [ge-geostat-migration-citizenship]\n",
			"counts GE, not US"},
		{"a stock", "- destination: FI\n  reason: r\n  components:\n    - name: stock\n      sources: [fi-statfin-muutl]\n",
			"a stock: a sum adds flows"},
		{"a source in two parts", "- destination: US\n  reason: r\n  components:\n    - name: a\n      sources: [us-dos-nonimmigrant-visas]\n    - name: b\n      sources: [us-dos-nonimmigrant-visas]\n",
			`already in the component "a"`},
		{"no reason", "- destination: US\n  components:\n    - name: a\n      sources: [us-dos-nonimmigrant-visas]\n",
			"[0].reason: missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFolder(t, map[string]string{"sums.yaml": c.doc})
			_, err := Load(embedded, dir)
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "sums.yaml") {
				t.Errorf("err = %v, want a problem in sums.yaml saying %q", err, c.want)
			}
		})
	}
}
