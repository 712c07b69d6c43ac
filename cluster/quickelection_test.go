package cluster

import (
	"testing"
	"time"
)

// TestLoneVoterDoesNotWaitForTheHeartbeatTimeout: with a 10 s heartbeat
// timeout, raft alone would keep a single node a follower for 10 to 20 s;
// Open (which waits 5 s for a leader) returns with the node leading, both
// when it bootstraps and when it restarts, and the configured timeout is
// back once it leads.
func TestLoneVoterDoesNotWaitForTheHeartbeatTimeout(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.HeartbeatTimeout = 10 * time.Second
	cfg.ElectionTimeout = 10 * time.Second
	for _, start := range []string{"bootstrap", "restart"} {
		s, err := Open(cfg)
		if err != nil {
			t.Fatalf("%s: Open: %v", start, err)
		}
		if !s.IsLeader() {
			s.Close()
			t.Fatalf("%s: the lone voter is not the leader when Open returns", start)
		}
		eventually(t, 5*time.Second, "the configured heartbeat timeout back", func() bool {
			return s.raft.ReloadableConfig().HeartbeatTimeout == cfg.HeartbeatTimeout
		})
		if err := s.Close(); err != nil {
			t.Fatalf("%s: Close: %v", start, err)
		}
	}
}
