package cluster

import (
	"slices"
	"testing"
)

// TestWatchMarksEventsOfOneRevision checks MoreInRevision on replayed and
// live events: set on every event of a batch but its last under the
// watched prefix, never on single writes.
func TestWatchMarksEventsOfOneRevision(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)
	start := mustPut(t, s, "objects/start", "0")
	batch := []Op{PutOp("objects/a", []byte("1")), PutOp("objects/b", []byte("2")), PutOp("data/x", []byte("other prefix"))}
	if _, err := s.Apply(ctx, batch); err != nil {
		t.Fatal(err)
	}
	w, err := s.Watch(ctx, ObjectPrefix, start)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	mustPut(t, s, "objects/c", "3")
	if _, err := s.Apply(ctx, []Op{PutOp("data/y", []byte("first")), PutOp("objects/d", []byte("4")), PutOp("objects/e", []byte("5")), PutOp("data/z", []byte("last"))}); err != nil {
		t.Fatal(err)
	}
	got := receive(t, w, 5)
	var more []bool
	for _, ev := range got {
		more = append(more, ev.MoreInRevision)
	}
	// a, b replayed as one batch; c alone; d, e live as one batch whose
	// last event overall is outside the prefix.
	if want := []bool{true, false, false, true, false}; !slices.Equal(more, want) {
		var names []string
		for _, ev := range got {
			names = append(names, eventString(ev))
		}
		t.Fatalf("MoreInRevision = %v for %q, want %v", more, names, want)
	}
}
