package clustertest_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/cluster/clustertest"
)

// TestWriteOnFollowerReplicates writes on a follower (forwarded to the
// leader) and reads it on every node, locally and linearizably.
func TestWriteOnFollowerReplicates(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{})
	ctx := c.Context()
	leader := c.Leader()
	follower := c.Followers()[0]

	rev := mustPut(t, follower.Store(), "objects/a", []byte("A"))
	// The write went through the leader: its replica has it at rev.
	if kv, err := leader.Store().Get(ctx, "objects/a"); err != nil || string(kv.Value) != "A" || kv.ModRevision != rev {
		t.Fatalf("leader has %+v, %v; want A at %d", kv, err, rev)
	}
	for _, n := range c.Running() {
		kv, err := n.Store().Get(ctx, "objects/a", cluster.Linearizable())
		if err != nil || string(kv.Value) != "A" || kv.ModRevision != rev {
			t.Fatalf("linearizable read on %s: %+v, %v; want A at %d", n, kv, err, rev)
		}
	}
	if got := c.WaitConverged(); got != rev {
		t.Fatalf("converged at %d, want %d", got, rev)
	}

	// Compare-and-swap from a follower keeps its typed conflict error.
	_, err := follower.Store().CompareAndSwap(ctx, "objects/a", rev-1, []byte("B"))
	var conflict *cluster.ConflictError
	if !errors.As(err, &conflict) || conflict.Current != rev || conflict.Key != "objects/a" {
		t.Fatalf("stale CompareAndSwap on a follower: %v, want a conflict at %d", err, rev)
	}
	if _, err := follower.Store().Delete(ctx, "objects/missing"); !errors.Is(err, cluster.ErrNotFound) {
		t.Fatalf("Delete of a missing key on a follower: %v, want ErrNotFound", err)
	}
	if _, err := follower.Store().Apply(ctx, []cluster.Op{cluster.PutOp("", nil)}); !errors.Is(err, cluster.ErrInvalid) {
		t.Fatalf("invalid batch on a follower: %v, want ErrInvalid", err)
	}
}

// TestWatchesAcrossNodes watches on every node while writes arrive on
// every node: each watcher sees every change, in one order, with the same
// revisions; and a watch on another node resumes from a revision.
func TestWatchesAcrossNodes(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{})
	ctx := c.Context()
	nodes := c.Running()
	start := nodes[0].Store().Revision()
	c.WaitFor("every node at the same revision", func() bool {
		for _, n := range nodes {
			if n.Store().Revision() != start {
				return false
			}
		}
		return true
	})
	watchers := make([]*cluster.Watcher, len(nodes))
	for i, n := range nodes {
		w, err := n.Store().Watch(ctx, "objects/", start)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		watchers[i] = w
	}
	const writes = 30
	for i := range writes {
		n := nodes[i%len(nodes)]
		mustPut(t, n.Store(), fmt.Sprintf("objects/k%02d", i), []byte(n.Name))
	}
	var want []string
	for i, w := range watchers {
		got := receive(t, w, writes)
		var seen []string
		for j, ev := range got {
			if ev.Revision != start+uint64(j)+1 {
				t.Fatalf("%s: event %d at revision %d, want %d", nodes[i], j, ev.Revision, start+uint64(j)+1)
			}
			seen = append(seen, fmt.Sprintf("%d %s=%s", ev.Revision, ev.KV.Key, ev.KV.Value))
		}
		if want == nil {
			want = seen
		} else if !slices.Equal(seen, want) {
			t.Fatalf("%s saw %v, %s saw %v", nodes[0], want, nodes[i], seen)
		}
	}
	// Resume on another node from the middle.
	mid := start + writes/2
	w, err := nodes[2].Store().Watch(ctx, "objects/", mid)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got := receive(t, w, writes/2)
	if got[0].Revision != mid+1 || got[len(got)-1].Revision != start+writes {
		t.Fatalf("resumed watch delivered revisions %d..%d, want %d..%d", got[0].Revision, got[len(got)-1].Revision, mid+1, start+writes)
	}
}

// receive reads n events from w before a deadline.
func receive(t *testing.T, w *cluster.Watcher, n int) []cluster.Event {
	t.Helper()
	out := make([]cluster.Event, 0, n)
	timeout := time.After(20 * time.Second)
	for len(out) < n {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("watcher closed after %d of %d events: %v", len(out), n, w.Err())
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatalf("received %d of %d events before the deadline", len(out), n)
		}
	}
	return out
}

// TestSlowWatcherOnAFollowerBlocksNothing leaves a watcher on a follower
// unread while writes go on: the writes and the follower's replica are not
// held up, and the watcher ends with ErrWatcherLagged.
func TestSlowWatcherOnAFollowerBlocksNothing(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{
		Configure: func(_ int, cfg *cluster.Config) { cfg.WatchBuffer = 8 },
	})
	ctx := c.Context()
	follower := c.Followers()[0]
	w, err := follower.Store().Watch(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var last uint64
	for i := range 50 {
		last = mustPut(t, c.Leader().Store(), fmt.Sprintf("objects/k%02d", i), []byte("v"))
	}
	c.WaitFor("the follower to apply every write", func() bool { return follower.Store().Revision() >= last })
	c.WaitFor("the unread watcher to be cancelled", func() bool { return errors.Is(w.Err(), cluster.ErrWatcherLagged) })
}
