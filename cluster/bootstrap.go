package cluster

import (
	"errors"
	"time"

	"github.com/hashicorp/raft"
)

// bootstrapPoll is how often a node waiting for its bootstrap peers looks
// at the gossip membership.
const bootstrapPoll = 100 * time.Millisecond

// runBootstrapExpect bootstraps a new cluster once Config.BootstrapExpect
// fresh nodes see each other. Every one of them computes the same voter set
// (the first BootstrapExpect by name of the fresh nodes that expect the
// same number, at most MaxVoters of them) and the voters bootstrap it; raft
// accepts identical bootstrap configurations on all voters. A node that sees a member of an existing
// cluster does not bootstrap: the leader adds it. The loop ends once the
// node has a raft configuration (its own bootstrap, or the leader added
// it).
func (s *Store) runBootstrapExpect() {
	defer s.wg.Done()
	n := s.cfg.BootstrapExpect
	warned := false
	t := time.NewTicker(bootstrapPoll)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		if servers, err := s.servers(); err != nil || len(servers) > 0 {
			return
		}
		var fresh []raft.Server
		existing := false
		for _, m := range s.members.snapshot(time.Now()) {
			if m.state != MemberAlive || !m.metaOK {
				continue
			}
			switch {
			case m.meta.ClusterID != "":
				existing = true
			case m.meta.Expect == n:
				fresh = append(fresh, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(m.name), Address: raft.ServerAddress(m.meta.ClusterAddr)})
			case !warned:
				warned = true
				s.logger.Warn("cluster: a member expects a different bootstrap size; it is left out", "member", m.name, "its expect", m.meta.Expect, "our expect", n)
			}
		}
		if existing {
			// An existing cluster's leader adds this node.
			continue
		}
		if len(fresh) < n {
			continue
		}
		// The snapshot is sorted by name: all agree on the first ones. Those
		// beyond MaxVoters do not bootstrap; the leader adds them.
		voters := fresh[:min(n, s.cfg.MaxVoters)]
		if _, in := findServer(voters, raft.ServerID(s.cfg.NodeName)); !in {
			if _, in := findServer(fresh[:n], raft.ServerID(s.cfg.NodeName)); in {
				s.logger.Info("cluster: not a bootstrap voter; waiting to be added", "voters", len(voters))
				return
			}
			continue
		}
		err := s.raft.BootstrapCluster(raft.Configuration{Servers: voters}).Error()
		if err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
			s.logger.Error("cluster: bootstrap failed", "err", err)
			continue
		}
		s.logger.Info("cluster: bootstrapped", "voters", len(voters))
		return
	}
}
