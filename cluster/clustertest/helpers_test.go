package clustertest_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
)

// mustPut writes key=value on s as a careful client does: a write whose
// outcome is unknown (the leader changed meanwhile, which a loaded test
// machine may cause) is checked with a linearizable read and tried again
// only if it did not happen. Values must be unique per key. It returns the
// revision of the write.
func mustPut(t *testing.T, s *cluster.Store, key string, value []byte) uint64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		rev, err := s.Put(ctx, key, value)
		if err == nil {
			cancel()
			return rev
		}
		if !errors.Is(err, cluster.ErrLeadershipLost) && !errors.Is(err, cluster.ErrOutcomeUnknown) && !errors.Is(err, cluster.ErrNotLeader) {
			cancel()
			t.Fatalf("Put(%s): %v", key, err)
		}
		kv, rerr := s.Get(ctx, key, cluster.Linearizable())
		cancel()
		if rerr == nil && bytes.Equal(kv.Value, value) {
			return kv.ModRevision
		}
		if time.Now().After(deadline) {
			t.Fatalf("Put(%s) kept failing: %v", key, err)
		}
		t.Logf("Put(%s) failed (%v); trying again", key, err)
	}
}
