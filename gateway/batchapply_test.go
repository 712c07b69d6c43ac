package gateway_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

// TestApplyReturnsWhenTheWholeBatchRuns applies many objects in one call
// and checks that every one of them runs when Apply returns: a batch is
// one store revision, and that revision only counts as applied once all of
// its objects are.
func TestApplyReturnsWhenTheWholeBatchRuns(t *testing.T) {
	reg := registry.New()
	reg.Register(registry.ObjectClass, noteKind)
	g := startGateway(t, t.TempDir(), reg)
	for round := range 3 {
		var docs []string
		for i := range 30 {
			docs = append(docs, fmt.Sprintf("kind: Note\nname: note-%02d\ntext: round %d\n", i, round))
		}
		if _, err := g.Apply(ctx(t), []byte(strings.Join(docs, "---\n"))); err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			name := fmt.Sprintf("note-%02d", i)
			if got, want := noteText(t, g, name), fmt.Sprintf("round %d", round); got != want {
				t.Fatalf("round %d: %s has text %q when Apply returned, want %q", round, name, got, want)
			}
		}
	}
}
