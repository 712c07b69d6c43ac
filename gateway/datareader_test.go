package gateway_test

import (
	"testing"

	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// TestObjectsReadSharedData checks that objects get a reader of the
// store's data prefix with keys relative to it.
func TestObjectsReadSharedData(t *testing.T) {
	envs := make(chan *supervisor.Env, 4)
	reg := registry.New()
	reg.Register(registry.ObjectClass, &supervisor.Kind{
		Name:        "Note",
		Description: "test object that keeps its env",
		Category:    supervisor.BusinessController,
		DefaultSpec: func() any { return &noteSpec{} },
		New: func(spec *supervisor.Spec, env *supervisor.Env) (supervisor.Object, error) {
			envs <- env
			return &note{spec: spec}, nil
		},
	})
	g := startGateway(t, t.TempDir(), reg)
	c := ctx(t)
	if _, err := g.Store().Put(c, "data/users/alice", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Store().Put(c, "data/users/bob", []byte("b")); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Store().Put(c, "objects/users/eve", []byte("not data")); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Apply(c, []byte("kind: Note\nname: n\ntext: hi\n")); err != nil {
		t.Fatal(err)
	}
	env := <-envs
	if env.Data == nil {
		t.Fatal("object env has no data reader")
	}
	v, ok, err := env.Data.Get(c, "users/alice")
	if err != nil || !ok || string(v) != "a" {
		t.Fatalf("Get(users/alice) = %q, %v, %v; want \"a\", true, nil", v, ok, err)
	}
	if _, ok, err := env.Data.Get(c, "users/carol"); err != nil || ok {
		t.Fatalf("Get(users/carol) = _, %v, %v; want missing without error", ok, err)
	}
	all, err := env.Data.List(c, "users/")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || string(all["users/alice"]) != "a" || string(all["users/bob"]) != "b" {
		t.Fatalf("List(users/) = %v; want alice and bob only", all)
	}
}
