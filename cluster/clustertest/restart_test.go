package clustertest_test

import (
	"fmt"
	"testing"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/cluster/clustertest"
)

// TestRestartCatchesUp restarts a follower on its data directory twice:
// first it catches up from the leader's log, then, after the leader
// compacted its log past the follower's position, by installing the
// leader's snapshot. A node that joins afterwards installs it too.
func TestRestartCatchesUp(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{
		Configure: func(_ int, cfg *cluster.Config) { cfg.TrailingLogs = 4 },
	})
	ctx := c.Context()
	leader := c.Leader()
	follower := c.Followers()[0]
	put := func(prefix string, n int) {
		t.Helper()
		for i := range n {
			mustPut(t, leader.Store(), fmt.Sprintf("objects/%s-%02d", prefix, i), []byte(prefix))
		}
	}
	put("first", 5)
	c.WaitConverged()

	c.Kill(follower)
	put("while-down", 10)
	if _, err := leader.Store().Delete(ctx, "objects/first-00"); err != nil {
		t.Fatal(err)
	}
	c.Restart(follower)
	rev := c.WaitConverged()
	if st := follower.Store().Stats(); st.SnapshotsInstalled != 0 || st.Revision != rev {
		t.Fatalf("after a short outage %s: %+v, want no snapshot install and revision %d", follower, st, rev)
	}

	c.Kill(follower)
	put("compacted", 40)
	if err := leader.Store().Snapshot(); err != nil {
		t.Fatalf("Snapshot on the leader: %v", err)
	}
	if st := leader.Store().Stats(); st.LastSnapshotIndex == 0 {
		t.Fatalf("leader took no snapshot: %+v", st)
	}
	put("after-snapshot", 3)
	c.Restart(follower)
	rev = c.WaitConverged()
	st := follower.Store().Stats()
	if st.SnapshotsInstalled == 0 {
		t.Fatalf("%s caught up without installing the leader's snapshot: %+v", follower, st)
	}
	kvs, _, err := follower.Store().List(ctx, "objects/")
	if err != nil || len(kvs) != 4+10+40+3 {
		t.Fatalf("%s after the snapshot install: %d keys, %v", follower, len(kvs), err)
	}
	// It takes part as usual afterwards.
	mustPut(t, follower.Store(), "objects/from-restarted", []byte("x"))
	if got := c.WaitConverged(); got != rev+1 {
		t.Fatalf("converged at %d, want %d", got, rev+1)
	}

	// A new node joins after the compaction: it starts from the snapshot.
	newcomer := c.AddNode(func(cfg *cluster.Config) { cfg.TrailingLogs = 4 })
	c.WaitServers(4, 3)
	c.WaitConverged()
	if st := newcomer.Store().Stats(); st.SnapshotsInstalled == 0 {
		t.Fatalf("the new node caught up without the snapshot: %+v", st)
	}
}
