package testkit

import (
	"testing"

	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// BuildObject decodes a YAML document with the kinds of reg and creates
// its object in env, without initialising it. A document that does not
// parse or names an unknown kind fails the test; a spec the kind rejects
// is returned as the error, for the test to check.
func BuildObject(t testing.TB, reg *registry.Registry, doc string, env *supervisor.Env) (supervisor.Object, error) {
	t.Helper()
	spec, err := supervisor.ParseDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	ent, err := reg.Lookup(registry.ObjectClass, spec.Kind)
	if err != nil {
		t.Fatal(err)
	}
	body, err := ent.DecodeSpec(spec.Fields)
	if err != nil {
		return nil, err
	}
	spec.Body = body
	return ent.Kind.(*supervisor.Kind).New(spec, env)
}
