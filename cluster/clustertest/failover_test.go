package clustertest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/cluster/clustertest"
)

// ackLog records the writes that were acknowledged.
type ackLog struct {
	mu    sync.Mutex
	acked map[string]uint64 // key -> revision
	errs  map[string]int    // error text -> count
}

func (a *ackLog) add(key string, rev uint64, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.errs[err.Error()]++
		return
	}
	a.acked[key] = rev
}

func (a *ackLog) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.acked)
}

func (a *ackLog) snapshot() map[string]uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]uint64, len(a.acked))
	for k, v := range a.acked {
		out[k] = v
	}
	return out
}

// TestLeaderKillLosesNoAcknowledgedWrite writes from every node while the
// leader is killed: a new leader is elected, writes resume, and every
// acknowledged write is on every node afterwards, also on the killed node
// once it is back.
func TestLeaderKillLosesNoAcknowledgedWrite(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{})
	ctx := c.Context()
	old := c.Leader()
	log := &ackLog{acked: make(map[string]uint64), errs: make(map[string]int)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, n := range c.Running() {
		s := n.Store()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("objects/%s-%04d", n.Name, i)
				wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
				rev, err := s.Put(wctx, key, []byte(key))
				cancel()
				if errors.Is(err, cluster.ErrClosed) {
					return
				}
				log.add(key, rev, err)
			}
		}()
	}
	c.WaitFor("30 acknowledged writes", func() bool { return log.count() >= 30 })
	c.Kill(old)
	leader := c.Leader()
	if leader == old {
		t.Fatalf("the killed node %s still leads", old)
	}
	atKill := log.count()
	c.WaitFor("writes to resume under the new leader", func() bool { return log.count() >= atKill+30 })
	close(stop)
	wg.Wait()
	t.Logf("acknowledged %d writes, %d before the kill; failures: %v", log.count(), atKill, log.errs)

	acked := log.snapshot()
	c.WaitConverged()
	checkAcked(t, c.Running(), acked)
	c.Restart(old)
	c.WaitConverged()
	checkAcked(t, []*clustertest.Node{old}, acked)
}

// checkAcked fails unless every node holds every acknowledged write at its
// acknowledged revision.
func checkAcked(t *testing.T, nodes []*clustertest.Node, acked map[string]uint64) {
	t.Helper()
	for _, n := range nodes {
		for key, rev := range acked {
			kv, err := n.Store().Get(context.Background(), key)
			if err != nil || string(kv.Value) != key || kv.ModRevision != rev {
				t.Fatalf("%s lost the acknowledged write %s@%d: %+v, %v", n, key, rev, kv, err)
			}
		}
	}
}

// TestMinorityPartition cuts the leader off: its writes fail with a clear
// error and never appear, the majority elects a leader and keeps working,
// and after the partition heals every node converges.
func TestMinorityPartition(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{})
	ctx := c.Context()
	old := c.Leader()
	majority := c.Followers()
	mustPut(t, old.Store(), "objects/before", []byte("x"))

	c.Partition(old)
	var minorityKeys []string
	for i := range 3 {
		key := fmt.Sprintf("objects/minority-%d", i)
		minorityKeys = append(minorityKeys, key)
		wctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := old.Store().Put(wctx, key, []byte("lost"))
		cancel()
		if err == nil {
			t.Fatalf("write %d on the cut-off leader succeeded", i)
		}
		if !errors.Is(err, cluster.ErrNotLeader) && !errors.Is(err, cluster.ErrLeadershipLost) && !errors.Is(err, cluster.ErrOutcomeUnknown) {
			t.Fatalf("write %d on the minority side: unexpected error %v", i, err)
		}
		t.Logf("minority write %d: %v", i, err)
	}
	// The last write came after the old leader stepped down: it names the
	// reason, no leader.
	wctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err := old.Store().Put(wctx, "objects/minority-last", nil)
	cancel()
	minorityKeys = append(minorityKeys, "objects/minority-last")
	var nl *cluster.NotLeaderError
	if !errors.As(err, &nl) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("write on a follower without leader: %v, want a NotLeaderError after the deadline", err)
	}
	rctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err = old.Store().Get(rctx, "objects/before", cluster.Linearizable())
	cancel()
	if !errors.Is(err, cluster.ErrNotLeader) {
		t.Fatalf("linearizable read on the minority side: %v, want ErrNotLeader", err)
	}
	if kv, err := old.Store().Get(ctx, "objects/before"); err != nil || string(kv.Value) != "x" {
		t.Fatalf("local read on the minority side: %+v, %v", kv, err)
	}

	c.LeaderOf(majority...)
	var majorityKeys []string
	for i := range 10 {
		key := fmt.Sprintf("objects/majority-%d", i)
		mustPut(t, majority[i%2].Store(), key, []byte("kept"))
		majorityKeys = append(majorityKeys, key)
	}

	c.Heal()
	c.LeaderOf(c.Running()...)
	c.WaitConverged()
	for _, n := range c.Running() {
		for _, key := range minorityKeys {
			if _, err := n.Store().Get(ctx, key); !errors.Is(err, cluster.ErrNotFound) {
				t.Fatalf("%s: minority write %s appeared after the heal: %v", n, key, err)
			}
		}
		for _, key := range majorityKeys {
			if _, err := n.Store().Get(ctx, key); err != nil {
				t.Fatalf("%s: majority write %s missing after the heal: %v", n, key, err)
			}
		}
	}
	// Gossip heals too: everyone sees everyone alive again.
	for _, n := range c.Running() {
		for _, m := range c.Running() {
			c.WaitMember(n, m, cluster.MemberAlive)
		}
	}
}
