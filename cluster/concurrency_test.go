package cluster

import (
	"fmt"
	"sync"
	"testing"
)

func TestConcurrentWritersAndWatcher(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)
	const writers, each = 4, 40
	w, err := s.Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := s.Put(ctx, fmt.Sprintf("w%d/%d", g, i), []byte("v")); err != nil {
					errs <- err
					return
				}
				if _, _, err := s.List(ctx, fmt.Sprintf("w%d/", g)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	got := receive(t, w, writers*each)
	for i, ev := range got {
		if ev.Revision != w.StartRevision()+uint64(i)+1 {
			t.Fatalf("event %d at revision %d, want %d", i, ev.Revision, w.StartRevision()+uint64(i)+1)
		}
	}
	if s.Revision() != w.StartRevision()+writers*each {
		t.Fatalf("revision %d after %d writes from %d", s.Revision(), writers*each, w.StartRevision())
	}
}
