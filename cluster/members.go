package cluster

import (
	"sort"
	"time"

	"github.com/hashicorp/raft"
)

// Members lists the nodes of the cluster as this node sees them, sorted by
// name: the gossip members (alive, suspect, dead or left, with their
// metadata) together with the servers of the raft configuration (with
// their suffrage), the leader marked. A standalone node (no gossip) lists
// itself and the raft servers. The list is local knowledge and needs no
// leader.
func (s *Store) Members() []Member {
	now := time.Now()
	byName := make(map[string]*Member)
	var order []string
	get := func(name string) *Member {
		m, ok := byName[name]
		if !ok {
			m = &Member{Name: name, State: MemberUnknown}
			byName[name] = m
			order = append(order, name)
		}
		return m
	}
	if s.members != nil {
		for _, g := range s.members.snapshot(now) {
			m := get(g.name)
			m.GossipAddr, m.State, m.Since = g.addr, g.state, g.since
			if g.metaOK {
				m.RaftAddr, m.APIAddr, m.Version = g.meta.ClusterAddr, g.meta.APIAddr, g.meta.Version
				m.Roles = append([]string(nil), g.meta.Roles...)
			}
		}
	}
	self := get(s.cfg.NodeName)
	self.Self = true
	self.RaftAddr, self.APIAddr, self.Version, self.GossipAddr = s.Addr(), s.cfg.APIAddr, s.cfg.Version, s.gossipAddr
	self.Roles = append([]string(nil), s.cfg.Roles...)
	if self.State != MemberAlive {
		self.State, self.Since = MemberAlive, s.started
	}
	if servers, err := s.servers(); err == nil {
		for _, srv := range servers {
			m := get(string(srv.ID))
			if m.RaftAddr == "" {
				m.RaftAddr = string(srv.Address)
			}
			m.Raft = Nonvoter
			if srv.Suffrage == raft.Voter {
				m.Raft = Voter
			}
		}
	}
	if id, _ := s.Leader(); id != "" {
		get(id).Leader = true
	}
	sort.Strings(order)
	out := make([]Member, 0, len(order))
	for _, name := range order {
		out = append(out, *byName[name])
	}
	return out
}
