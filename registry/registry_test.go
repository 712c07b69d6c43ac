package registry_test

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

type limitSpec struct {
	Policies []policy          `json:"policies" jsonschema:"required"`
	Timeout  registry.Duration `json:"timeout,omitempty"`
	Mode     string            `json:"mode,omitempty" jsonschema:"enum=fast,enum=slow"`
}

type policy struct {
	Name           string `json:"name" jsonschema:"required"`
	LimitForPeriod int    `json:"limitForPeriod,omitempty" jsonschema:"minimum=1"`
}

func (s *limitSpec) Validate() error {
	if len(s.Policies) > 3 {
		return registry.FieldError{Path: "policies", Reason: "at most 3 policies"}
	}
	return nil
}

type kind struct {
	name string
	def  func() any
}

func (k kind) KindName() string        { return k.name }
func (k kind) KindDescription() string { return "test kind " + k.name }
func (k kind) NewSpec() any            { return k.def() }

func newLimit() any { return &limitSpec{Mode: "fast"} }

func TestRegisterRejectsEmptyAndDuplicateNames(t *testing.T) {
	r := registry.New()
	if err := r.TryRegister(registry.FilterClass, kind{name: "", def: newLimit}); err == nil {
		t.Fatal("empty name accepted")
	}
	if err := r.TryRegister(registry.FilterClass, kind{name: "Limit", def: newLimit}); err != nil {
		t.Fatal(err)
	}
	err := r.TryRegister(registry.FilterClass, kind{name: "Limit", def: newLimit})
	if err == nil || !strings.Contains(err.Error(), `"Limit" registered twice`) {
		t.Fatalf("duplicate: %v", err)
	}
	// The same name in another class is a different kind.
	if err := r.TryRegister(registry.ObjectClass, kind{name: "Limit", def: newLimit}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Register did not panic on a duplicate")
		}
	}()
	r.Register(registry.FilterClass, kind{name: "Limit", def: newLimit})
}

func TestUnknownKindListsKnownKinds(t *testing.T) {
	r := registry.New()
	r.Register(registry.FilterClass, kind{name: "B", def: newLimit})
	r.Register(registry.FilterClass, kind{name: "A", def: newLimit})
	_, err := r.Lookup(registry.FilterClass, "C")
	if err == nil || !strings.Contains(err.Error(), `unknown filter kind "C" (known: A, B)`) {
		t.Fatalf("got %v", err)
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	a, b := registry.New(), registry.New()
	a.Register(registry.FilterClass, kind{name: "OnlyA", def: newLimit})
	if _, err := b.Lookup(registry.FilterClass, "OnlyA"); err == nil {
		t.Fatal("kind leaked between registries")
	}
	c := a.Clone()
	c.Register(registry.FilterClass, kind{name: "OnlyC", def: newLimit})
	if _, err := a.Lookup(registry.FilterClass, "OnlyC"); err == nil {
		t.Fatal("clone shares its map with the original")
	}
}

func TestDecodeSpec(t *testing.T) {
	r := registry.New()
	r.Register(registry.FilterClass, kind{name: "Limit", def: newLimit})
	e, _ := r.Lookup(registry.FilterClass, "Limit")
	cases := []struct {
		name, in, wantErr string
	}{
		{"ok", `{"policies":[{"name":"p","limitForPeriod":5}],"timeout":"250ms"}`, ""},
		{"unknown field", `{"policies":[],"polices":1}`, "polices"},
		{"unknown nested field", `{"policies":[{"name":"p","limt":1}]}`, "policies[0]"},
		{"wrong type", `{"policies":[{"name":"p","limitForPeriod":"five"}]}`, "policies[0].limitForPeriod"},
		{"minimum", `{"policies":[{"name":"p","limitForPeriod":0}]}`, "policies[0].limitForPeriod: must be >= 1"},
		{"missing required", `{"timeout":"1s"}`, "policies"},
		{"bad duration", `{"policies":[],"timeout":"5"}`, "timeout"},
		{"enum", `{"policies":[],"mode":"FAST"}`, "mode"},
		{"case matters", `{"Policies":[]}`, "Policies"},
		{"validate", `{"policies":[{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d"}]}`, "policies: at most 3 policies"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := e.DecodeSpec([]byte(c.in))
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				s := v.(*limitSpec)
				if s.Mode != "fast" || s.Timeout.D().Milliseconds() != 250 || s.Policies[0].LimitForPeriod != 5 {
					t.Fatalf("decoded %+v", s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want it to mention %q", err, c.wantErr)
			}
		})
	}
}

func TestSchemaIsServedAsJSON(t *testing.T) {
	r := registry.New()
	r.Register(registry.FilterClass, kind{name: "Limit", def: newLimit})
	e, _ := r.Lookup(registry.FilterClass, "Limit")
	s, err := e.Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc := string(s.JSON())
	for _, want := range []string{`"title": "Limit"`, `"additionalProperties": false`, `"limitForPeriod"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("schema lacks %s:\n%s", want, doc)
		}
	}
}

func TestPointerToPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"/pools/0/servers/1/url": "pools[0].servers[1].url",
		"/a~1b/c":                "a/b.c",
	} {
		if got := registry.PointerToPath(in); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}
