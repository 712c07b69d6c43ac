package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestWatchReplaysHistoryInOrder(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)

	start := mustPut(t, s, "objects/a", "1")
	mustPut(t, s, "data/x/y", "other prefix")
	mustPut(t, s, "objects/b", "2")
	if _, err := s.Delete(ctx, "objects/a"); err != nil {
		t.Fatal(err)
	}
	batchRev, err := s.Apply(ctx, []Op{PutOp("objects/c", []byte("3")), PutOp("objects/d", []byte("4"))})
	if err != nil {
		t.Fatal(err)
	}

	// Everything after start under objects/, including writes made before
	// Watch was called, then live writes.
	w, err := s.Watch(ctx, ObjectPrefix, start)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	mustPut(t, s, "objects/e", "5")

	got := receive(t, w, 5)
	want := []string{"put objects/b=2", "delete objects/a", "put objects/c=3", "put objects/d=4", "put objects/e=5"}
	var names []string
	for i, ev := range got {
		names = append(names, eventString(ev))
		if i > 0 && ev.Revision < got[i-1].Revision {
			t.Fatalf("events out of revision order: %+v", got)
		}
		if ev.Revision <= start {
			t.Fatalf("event at %d, not after %d", ev.Revision, start)
		}
	}
	if !slices.Equal(names, want) {
		t.Fatalf("events = %q, want %q", names, want)
	}
	if got[2].Revision != batchRev || got[3].Revision != batchRev {
		t.Fatalf("batch events at %d and %d, want both at %d", got[2].Revision, got[3].Revision, batchRev)
	}
	if got[1].KV.ModRevision != got[1].Revision {
		t.Fatalf("delete event KV = %+v, want ModRevision %d", got[1].KV, got[1].Revision)
	}
}

func TestWatchFromNowAndListThenWatch(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)
	mustPut(t, s, "objects/a", "old")

	w, err := s.Watch(ctx, "objects/", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.StartRevision() != s.Revision() {
		t.Fatalf("StartRevision = %d, want %d", w.StartRevision(), s.Revision())
	}
	mustPut(t, s, "objects/a", "new")
	if ev := receive(t, w, 1)[0]; eventString(ev) != "put objects/a=new" {
		t.Fatalf("first event from now = %s", eventString(ev))
	}

	// The list-then-watch pattern sees exactly the later changes.
	_, rev, err := s.List(ctx, "objects/")
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "objects/b", "b")
	w2, err := s.Watch(ctx, "objects/", rev)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if ev := receive(t, w2, 1)[0]; eventString(ev) != "put objects/b=b" || ev.Revision != rev+1 {
		t.Fatalf("event after listed revision = %+v", ev)
	}
}

func TestWatchCompacted(t *testing.T) {
	s := newStore(t, func(c *Config) { c.WatchHistory = 5 })
	ctx := testCtx(t)
	first := mustPut(t, s, "k0", "v")
	for i := 1; i < 10; i++ {
		mustPut(t, s, fmt.Sprintf("k%d", i), "v")
	}
	if _, err := s.Watch(ctx, "", first); !errors.Is(err, ErrCompacted) {
		t.Fatalf("Watch from a dropped revision: %v, want ErrCompacted", err)
	}
	// The oldest revisions the history still covers work.
	from := s.Revision() - 5
	w, err := s.Watch(ctx, "", from)
	if err != nil {
		t.Fatalf("Watch from %d: %v", from, err)
	}
	defer w.Close()
	got := receive(t, w, 5)
	if got[0].Revision != from+1 || got[4].Revision != s.Revision() {
		t.Fatalf("replayed revisions %d..%d, want %d..%d", got[0].Revision, got[4].Revision, from+1, s.Revision())
	}
}

func TestLaggingWatcherIsCancelledWithoutBlockingWrites(t *testing.T) {
	const buffer = 8
	s := newStore(t, func(c *Config) { c.WatchBuffer = buffer })
	ctx := testCtx(t)

	slow, err := s.Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := s.Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	done := make(chan []Event)
	go func() {
		var got []Event
		for ev := range fast.Events() {
			got = append(got, ev)
			if len(got) == 2*buffer {
				break
			}
		}
		done <- got
	}()

	for i := range 2 * buffer {
		if _, err := s.Put(ctx, fmt.Sprintf("k%02d", i), []byte("v")); err != nil {
			t.Fatalf("write %d with a stalled watcher: %v", i, err)
		}
	}

	got := drainClosed(t, slow)
	if len(got) != buffer {
		t.Fatalf("slow watcher got %d buffered events, want %d", len(got), buffer)
	}
	if err := slow.Err(); !errors.Is(err, ErrWatcherLagged) {
		t.Fatalf("slow watcher Err = %v, want ErrWatcherLagged", err)
	}
	if n := len(<-done); n != 2*buffer {
		t.Fatalf("reading watcher got %d events, want %d", n, 2*buffer)
	}
	if fast.Err() != nil {
		t.Fatalf("reading watcher ended: %v", fast.Err())
	}
}

func TestWatcherEnds(t *testing.T) {
	s := newStore(t)

	w, err := s.Watch(testCtx(t), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	w.Close()
	drainClosed(t, w)
	if w.Err() != nil {
		t.Fatalf("Err after Close = %v, want nil", w.Err())
	}

	ctx, cancel := context.WithCancel(context.Background())
	wc, err := s.Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	drainClosed(t, wc)
	if !errors.Is(wc.Err(), context.Canceled) {
		t.Fatalf("Err after the context ended = %v", wc.Err())
	}

	ws, err := s.Watch(testCtx(t), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	drainClosed(t, ws)
	if !errors.Is(ws.Err(), ErrClosed) {
		t.Fatalf("Err after the store closed = %v", ws.Err())
	}
}
