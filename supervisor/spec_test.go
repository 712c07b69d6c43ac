package supervisor_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/supervisor"
)

func TestParseDocumentsSplitsMetadataFromFields(t *testing.T) {
	specs, err := supervisor.ParseDocuments([]byte(`
kind: HTTPServer
name: edge
version: easegress.megaease.com/v2
labels: {team: web}
port: 8080
rules: [{paths: [{pathPrefix: /orders, backend: orders}]}]
---
---
{"kind": "Pipeline", "name": "orders", "filters": []}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 {
		t.Fatalf("got %d specs, want 2 (empty documents are skipped)", len(specs))
	}
	s := specs[0]
	if s.Kind != "HTTPServer" || s.Name != "edge" || s.Version != "easegress.megaease.com/v2" || s.Labels["team"] != "web" {
		t.Fatalf("metadata: %+v", s)
	}
	var fields map[string]any
	if err := json.Unmarshal(s.Fields, &fields); err != nil {
		t.Fatal(err)
	}
	if _, ok := fields["kind"]; ok {
		t.Fatal("kind left in the kind's fields")
	}
	if fields["port"] != float64(8080) {
		t.Fatalf("fields: %v", fields)
	}
	doc, err := s.Document()
	if err != nil {
		t.Fatal(err)
	}
	again, err := supervisor.ParseDocument(doc)
	if err != nil || again.Name != "edge" || again.Labels["team"] != "web" {
		t.Fatalf("round trip: %v %+v", err, again)
	}
}

func TestParseDocumentsErrors(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"no kind":        {"name: a\nport: 1\n", "document 1 (from line 1): kind is required"},
		"no name":        {"kind: Pipeline\n", "document 1 (from line 1): name is required"},
		"bad name":       {"kind: Pipeline\nname: 'a b'\n", `name "a b" is invalid`},
		"not a mapping":  {"- a\n- b\n", "expected a mapping"},
		"duplicate name": {"kind: A\nname: x\n---\nkind: B\nname: x\n", `document 2 (from line 4): name "x" already used by document 1`},
		"duplicate key":  {"kind: A\nname: x\nname: y\n", "document 1"},
		"bad yaml":       {"kind: [A\n", "document 1"},
		"label type":     {"kind: A\nname: x\nlabels: {a: [1]}\n", "labels.a"},
		"inline marker":  {"kind: A\nname: x\n--- {kind: B}\n", "document 2 (from line 3): name is required"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := supervisor.ParseDocuments([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}
