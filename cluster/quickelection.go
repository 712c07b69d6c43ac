package cluster

import "github.com/hashicorp/raft"

// Quick election of a lone voter.
//
// raft starts every node as a follower that waits out a heartbeat timeout
// (between HeartbeatTimeout and twice that: 1 to 2 s by default) before it
// stands for election. A node that is the only voter of its configuration,
// such as the embedded single-node default freshly bootstrapped or
// restarted, has nobody to hear from, so the wait only delays the start.
// Such a node lowers its heartbeat timeout for the election: raft then
// checks the follower's timer at once, finds no contact, and the node
// elects itself. Once it leads, the configured timeout comes back, so a
// node that joins later sees the usual timing.

// electAloneQuickly starts the election at once when this node is the
// only voter of its configuration and still a follower. raft accepts no
// heartbeat timeout below the leader lease timeout, so nothing changes
// when the two are configured equal.
func (s *Store) electAloneQuickly() {
	if !s.onlyVoter() || s.raft.State() != raft.Follower {
		return
	}
	normal := s.raft.ReloadableConfig()
	quick := normal
	quick.HeartbeatTimeout = s.cfg.LeaderLeaseTimeout
	if quick.HeartbeatTimeout >= normal.HeartbeatTimeout {
		return
	}
	s.normalTimeouts = normal // published by the Store below
	s.quickElection.Store(true)
	if err := s.raft.ReloadConfig(quick); err != nil {
		s.quickElection.Store(false)
		s.logger.Warn("cluster: could not start a quick election; waiting for the heartbeat timeout", "err", err)
		return
	}
	if s.raft.State() == raft.Leader {
		s.endQuickElection() // elected before the lessor could see it
	}
}

// endQuickElection restores the configured heartbeat timeout after a
// quick election; it does nothing otherwise. The lessor calls it when the
// node becomes the leader.
func (s *Store) endQuickElection() {
	if !s.quickElection.CompareAndSwap(true, false) {
		return
	}
	if err := s.raft.ReloadConfig(s.normalTimeouts); err != nil {
		s.logger.Warn("cluster: could not restore the heartbeat timeout after the election", "err", err)
	}
}

// onlyVoter reports whether this node is the one voter of the latest raft
// configuration.
func (s *Store) onlyVoter() bool {
	f := s.raft.GetConfiguration()
	if f.Error() != nil {
		return false
	}
	voters, me := 0, false
	for _, srv := range f.Configuration().Servers {
		if srv.Suffrage == raft.Voter {
			voters++
			me = me || srv.ID == raft.ServerID(s.cfg.NodeName)
		}
	}
	return voters == 1 && me
}
