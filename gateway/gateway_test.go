package gateway_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// noteSpec is the spec of the test object kind Note.
type noteSpec struct {
	Text string `json:"text" jsonschema:"required,minLength=1"`
}

// note is a small real object: it records its lifecycle.
type note struct {
	spec      *supervisor.Spec
	inherited bool
	closed    atomic.Bool
}

func (n *note) Spec() *supervisor.Spec               { return n.spec }
func (n *note) Init() error                          { return nil }
func (n *note) Inherit(prev supervisor.Object) error { n.inherited = true; return nil }
func (n *note) Status() any                          { return map[string]string{"text": n.spec.Body.(*noteSpec).Text} }
func (n *note) Close() error                         { n.closed.Store(true); return nil }

var noteKind = &supervisor.Kind{
	Name:        "Note",
	Description: "test object",
	Category:    supervisor.BusinessController,
	DefaultSpec: func() any { return &noteSpec{} },
	New: func(spec *supervisor.Spec, env *supervisor.Env) (supervisor.Object, error) {
		return &note{spec: spec}, nil
	},
}

func startGateway(t *testing.T, dir string, reg *registry.Registry, opts ...gateway.Option) *gateway.Gateway {
	t.Helper()
	return testkit.StartGateway(t, append([]gateway.Option{gateway.WithDataDir(dir), gateway.WithRegistry(reg), gateway.WithAPIAddr("127.0.0.1:0")}, opts...)...)
}

func noteText(t *testing.T, g *gateway.Gateway, name string) string {
	t.Helper()
	obj, ok := g.Supervisor().Object(name)
	if !ok {
		t.Fatalf("object %q is not running", name)
	}
	return obj.(*note).spec.Body.(*noteSpec).Text
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestTwoGatewaysWithDifferentKindSets(t *testing.T) {
	withNote := registry.New()
	withNote.Register(registry.ObjectClass, noteKind)
	withoutNote := registry.New()
	withoutNote.Register(registry.ObjectClass, pipeline.Kind)

	a := startGateway(t, t.TempDir(), withNote)
	b := startGateway(t, t.TempDir(), withoutNote)
	doc := []byte("kind: Note\nname: hello\ntext: hi\n")
	if _, err := a.Apply(ctx(t), doc); err != nil {
		t.Fatal(err)
	}
	if noteText(t, a, "hello") != "hi" {
		t.Fatal("note not running on gateway a")
	}
	_, err := b.Apply(ctx(t), doc)
	if err == nil || !strings.Contains(err.Error(), `unknown object kind "Note" (known: Pipeline)`) {
		t.Fatalf("gateway b accepted a kind it does not have: %v", err)
	}
}

func TestObjectsSurviveRestart(t *testing.T) {
	reg := registry.New()
	reg.Register(registry.ObjectClass, noteKind)
	dir := t.TempDir()
	g := startGateway(t, dir, reg, gateway.WithObjects([]byte("kind: Note\nname: a\ntext: one\n---\nkind: Note\nname: b\ntext: two\n")))
	if _, err := g.Apply(ctx(t), []byte("kind: Note\nname: a\ntext: changed\n")); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	again := startGateway(t, dir, reg)
	if got := noteText(t, again, "a"); got != "changed" {
		t.Fatalf("after restart a = %q", got)
	}
	if got := noteText(t, again, "b"); got != "two" {
		t.Fatalf("after restart b = %q", got)
	}
}

func TestInvalidApplyChangesNothing(t *testing.T) {
	reg := registry.New()
	reg.Register(registry.ObjectClass, noteKind)
	g := startGateway(t, t.TempDir(), reg, gateway.WithObjects([]byte("kind: Note\nname: a\ntext: one\n")))
	rev := g.Store().Revision()
	before, _ := g.Supervisor().Object("a")
	cases := map[string]string{
		"unknown field":      "kind: Note\nname: a\ntext: two\ncolour: red\n",
		"wrong type":         "kind: Note\nname: a\ntext: [1]\n",
		"second doc invalid": "kind: Note\nname: a\ntext: two\n---\nkind: Note\nname: b\ntext: ''\n",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := g.Apply(ctx(t), []byte(doc)); err == nil {
				t.Fatal("accepted")
			} else if !strings.Contains(err.Error(), `Note "`) {
				t.Fatalf("error does not name the object: %v", err)
			}
		})
	}
	if g.Store().Revision() != rev {
		t.Fatal("a refused apply wrote to the store")
	}
	after, _ := g.Supervisor().Object("a")
	if after != before || noteText(t, g, "a") != "one" {
		t.Fatal("running generation changed")
	}
	if _, ok := g.Supervisor().Object("b"); ok {
		t.Fatal("half of a refused apply is running")
	}
}

func TestUpdateInheritsAndDeleteCloses(t *testing.T) {
	reg := registry.New()
	reg.Register(registry.ObjectClass, noteKind)
	g := startGateway(t, t.TempDir(), reg, gateway.WithObjects([]byte("kind: Note\nname: a\ntext: one\n")))
	first, _ := g.Supervisor().Object("a")
	if _, err := g.Apply(ctx(t), []byte("kind: Note\nname: a\ntext: two\n")); err != nil {
		t.Fatal(err)
	}
	second, _ := g.Supervisor().Object("a")
	if !second.(*note).inherited || !first.(*note).closed.Load() {
		t.Fatal("update did not inherit and close the previous generation")
	}
	ref := g.Supervisor().Ref("a")
	if ref.Load() != second {
		t.Fatal("ref does not follow the update")
	}
	if _, err := g.Delete(ctx(t), "a"); err != nil {
		t.Fatal(err)
	}
	if ref.Load() != nil || !second.(*note).closed.Load() {
		t.Fatal("delete did not clear the ref and close the object")
	}
	if _, err := g.Delete(ctx(t), "a"); err == nil || !strings.Contains(err.Error(), `object "a" not found`) {
		t.Fatalf("deleting a missing object: %v", err)
	}
}
