package clustertest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/cluster/clustertest"
)

// TestLeaseAcrossLeaderChange grants a lease from a follower and keeps it
// alive from there across a leader kill: its key survives; once the
// renewals stop the new leader expires it and every node deletes the key.
func TestLeaseAcrossLeaderChange(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{})
	ctx := c.Context()
	old := c.Leader()
	owner := c.Followers()[0]
	const ttl = 1500 * time.Millisecond
	id, err := owner.Store().Grant(ctx, ttl)
	if err != nil {
		t.Fatalf("Grant on a follower: %v", err)
	}
	if _, err := owner.Store().PutWithLease(ctx, "data/instances/a", []byte("10.0.0.1"), id); err != nil {
		t.Fatal(err)
	}
	keepAlive := func() {
		t.Helper()
		if err := owner.Store().KeepAlive(ctx, id); err != nil {
			t.Fatalf("KeepAlive from %s: %v", owner, err)
		}
	}
	c.Kill(old)
	deadline := time.Now().Add(3 * ttl)
	for time.Now().Before(deadline) {
		keepAlive()
		time.Sleep(ttl / 5)
	}
	leader := c.Leader()
	for _, n := range c.Running() {
		if kv, err := n.Store().Get(ctx, "data/instances/a"); err != nil || kv.Lease != id {
			t.Fatalf("%s lost the kept-alive key after the leader change to %s: %+v, %v", n, leader, kv, err)
		}
	}
	// The owner stops renewing: the lease expires on the leader and the
	// deletion reaches every node.
	c.WaitFor("the lease's key to be deleted everywhere", func() bool {
		for _, n := range c.Running() {
			if _, err := n.Store().Get(ctx, "data/instances/a"); !errors.Is(err, cluster.ErrNotFound) {
				return false
			}
		}
		return true
	})
	if err := owner.Store().KeepAlive(ctx, id); !errors.Is(err, cluster.ErrLeaseNotFound) {
		t.Fatalf("KeepAlive of the expired lease: %v, want ErrLeaseNotFound", err)
	}
	c.Restart(old)
	c.WaitConverged()
	if _, err := old.Store().Get(ctx, "data/instances/a"); !errors.Is(err, cluster.ErrNotFound) {
		t.Fatalf("restarted %s still has the expired key: %v", old, err)
	}
}
