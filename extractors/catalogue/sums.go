package catalogue

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// sumFile is one destination's entry of sums.yaml, checked against the
// sources once they are all read.
type sumFile struct {
	d     doc
	field string
	sum   extractors.ComponentSum
}

func (l *loader) sumFile(file string, data []byte) {
	var docs []sumDoc
	d, ok := decode(file, data, &docs, l.probs)
	if !ok {
		return
	}
	if l.sums == nil {
		l.sums = map[string]sumFile{}
	}
	for i, sd := range docs {
		f := fmt.Sprintf("[%d]", i)
		if !reCountry.MatchString(sd.Destination) {
			d.problem(f+".destination", "%q is not an ISO 3166-1 alpha-2 code", sd.Destination)
		}
		if strings.TrimSpace(sd.Reason) == "" {
			d.problem(f+".reason", "missing: why the destination is a sum, and what the sum misses or counts twice")
		}
		if len(sd.Components) == 0 {
			d.problem(f+".components", "missing: the named parts and their sources")
		}
		s := extractors.ComponentSum{Destination: sd.Destination, Reason: strings.TrimSpace(sd.Reason)}
		for j, c := range sd.Components {
			cf := fmt.Sprintf("%s.components[%d]", f, j)
			if strings.TrimSpace(c.Name) == "" || len(c.Sources) == 0 {
				d.problem(cf, "a component needs a name and its sources")
			}
			s.Components = append(s.Components, extractors.SumComponent{Name: strings.TrimSpace(c.Name), Sources: c.Sources})
		}
		l.sums[sd.Destination] = sumFile{d: d, field: f, sum: s}
	}
}

// checkSums checks each sum against the sources: every source exists,
// answers for the destination (its own, or a multi-country source), counts
// flows, and is in one component only.
func (l *loader) checkSums(c *Catalogue) []extractors.ComponentSum {
	var out []extractors.ComponentSum
	for _, sf := range l.sums {
		seen := map[string]string{}
		for j, comp := range sf.sum.Components {
			if slices.ContainsFunc(sf.sum.Components[:j], func(o extractors.SumComponent) bool { return o.Name == comp.Name }) {
				sf.d.problem(fmt.Sprintf("%s.components[%d].name", sf.field, j), "%q is named twice", comp.Name)
			}
			for k, id := range comp.Sources {
				f := fmt.Sprintf("%s.components[%d].sources[%d]", sf.field, j, k)
				if prev, dup := seen[id]; dup {
					sf.d.problem(f, "%s is already in the component %q", id, prev)
				}
				seen[id] = comp.Name
				s, err := c.Source(id)
				if err != nil {
					sf.d.problem(f, "%v", err)
					continue
				}
				if !s.MultiCountry() && s.Destination != sf.sum.Destination {
					sf.d.problem(f, "%s counts %s, not %s", id, s.Destination, sf.sum.Destination)
				}
				if s.Statement != nil {
					sf.d.problem(f, "%s is a statement: a sum adds published flows", id)
				}
				for _, m := range s.Metrics() {
					if m.IsStock() {
						sf.d.problem(f, "%s counts %s, a stock: a sum adds flows", id, m)
					}
				}
			}
		}
		out = append(out, sf.sum)
	}
	slices.SortFunc(out, func(a, b extractors.ComponentSum) int { return strings.Compare(a.Destination, b.Destination) })
	return out
}
