package standard_test

import (
	"encoding/json"
	"testing"

	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// kindSeed is one kind name with the JSON of its own fields.
type kindSeed struct {
	kind   string
	fields []byte
}

// kindSeeds returns, for every documented object and every filter and
// policy declared in a documented pipeline, its kind and fields; then the
// default spec of every registered kind.
func kindSeeds(t testing.TB) []kindSeed {
	var out []kindSeed
	for _, doc := range testkit.ConfigSeeds(t) {
		specs, err := supervisor.ParseDocuments([]byte(doc))
		if err != nil {
			continue
		}
		for _, s := range specs {
			out = append(out, kindSeed{kind: s.Kind, fields: s.Fields})
			var body struct {
				Filters    []map[string]any `json:"filters"`
				Resilience []map[string]any `json:"resilience"`
			}
			if json.Unmarshal(s.Fields, &body) != nil {
				continue
			}
			for _, m := range append(body.Filters, body.Resilience...) {
				kind, _ := m["kind"].(string)
				delete(m, "kind")
				delete(m, "name")
				if b, err := json.Marshal(m); err == nil {
					out = append(out, kindSeed{kind: kind, fields: b})
				}
			}
		}
	}
	for _, class := range classes {
		for _, e := range registry.Default.Entries(class) {
			if b, err := json.Marshal(e.Kind.NewSpec()); err == nil {
				out = append(out, kindSeed{kind: e.Kind.KindName(), fields: b})
			}
		}
	}
	return out
}

// classes are the kind classes, in the order a kind name is looked up.
var classes = [...]registry.Class{registry.ObjectClass, registry.FilterClass, registry.PolicyClass}

// lookupAnyClass finds a kind by name in any class.
func lookupAnyClass(name string) *registry.Entry {
	for _, c := range classes {
		if e, err := registry.Default.Lookup(c, name); err == nil {
			return e
		}
	}
	return nil
}
