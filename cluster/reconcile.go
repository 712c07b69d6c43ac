package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
	"github.com/hashicorp/raft"
)

// identifyTimeout bounds asking a joining member for its cluster.
const identifyTimeout = 2 * time.Second

// reconciler makes the raft configuration follow the gossip membership.
// Every node runs it; only the leader changes the configuration.
type reconciler struct {
	s       *Store
	missing map[string]time.Time // raft servers the gossip does not know, since when
	foreign map[string]string    // members of another cluster already warned about
}

// runReconcile reconciles every Config.ReconcileInterval and on every
// membership change.
func (s *Store) runReconcile() {
	defer s.wg.Done()
	r := &reconciler{s: s, missing: make(map[string]time.Time), foreign: make(map[string]string)}
	t := time.NewTicker(s.cfg.ReconcileInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		case <-s.members.changed:
		}
		if s.left.Load() {
			continue
		}
		s.refreshMeta()
		servers, err := s.servers()
		if err != nil {
			continue
		}
		if s.IsLeader() {
			r.reconcile(servers)
		} else {
			clear(r.missing)
		}
		r.forgetGone(servers)
	}
}

// servers returns the latest raft configuration.
func (s *Store) servers() ([]raft.Server, error) {
	f := s.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, err
	}
	return f.Configuration().Servers, nil
}

// reconcile runs one round on the leader: name the cluster if it has no
// ID yet, remove the servers that left or stayed dead (or unknown to the
// gossip) longer than Config.DeadNodeGrace, add the alive members that are
// not servers (or moved to another address) as voters up to
// Config.MaxVoters and as non-voters beyond, and promote alive non-voters
// while voters are missing.
func (r *reconciler) reconcile(servers []raft.Server) {
	s := r.s
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ApplyTimeout)
	defer cancel()
	if s.clusterIDNow() == "" {
		if _, err := s.applyLocal(ctx, &command{Type: cmdClusterID, ClusterID: newClusterID()}); err != nil {
			s.logger.Warn("cluster: naming the cluster failed", "err", err)
		}
	}
	now := time.Now()
	sortedMembers := s.members.snapshot(now) // by name: voters are chosen in name order
	members := make(map[string]gossipMember, len(sortedMembers))
	for _, m := range sortedMembers {
		members[m.name] = m
	}
	voters := 0
	for _, srv := range servers {
		if srv.Suffrage == raft.Voter {
			voters++
		}
	}
	for _, srv := range servers {
		if reason := r.removalReason(srv, members, now); reason != "" {
			if r.change("remove", srv.ID, srv.Address, reason, s.raft.RemoveServer(srv.ID, 0, s.cfg.ApplyTimeout)) && srv.Suffrage == raft.Voter {
				voters--
			}
		}
	}
	clusterID := s.clusterIDNow()
	for _, m := range sortedMembers {
		if m.name == s.cfg.NodeName || m.state != MemberAlive || !m.metaOK || m.meta.ClusterAddr == "" || m.meta.Leaving {
			continue
		}
		if m.meta.ClusterID != "" && m.meta.ClusterID != clusterID {
			if r.foreign[m.name] != m.meta.ClusterID {
				r.foreign[m.name] = m.meta.ClusterID
				s.logger.Warn("cluster: not adding a member of another cluster", "member", m.name, "its cluster", m.meta.ClusterID, "this cluster", clusterID)
			}
			continue
		}
		id, addr := raft.ServerID(m.name), raft.ServerAddress(m.meta.ClusterAddr)
		cur, in := findServer(servers, id)
		if in && cur.Address == addr {
			continue
		}
		if !r.admissible(ctx, m, clusterID) {
			continue
		}
		for _, other := range servers {
			if other.Address == addr && other.ID != id {
				r.change("remove", other.ID, other.Address, fmt.Sprintf("its address now belongs to %q", m.name), s.raft.RemoveServer(other.ID, 0, s.cfg.ApplyTimeout))
			}
		}
		if in {
			r.change("remove", id, cur.Address, "it moved to "+string(addr), s.raft.RemoveServer(id, 0, s.cfg.ApplyTimeout))
			if cur.Suffrage == raft.Voter {
				voters--
			}
		}
		if voters < s.cfg.MaxVoters {
			if r.change("add voter", id, addr, "joined", s.raft.AddVoter(id, addr, 0, s.cfg.ApplyTimeout)) {
				voters++
			}
		} else {
			r.change("add non-voter", id, addr, "joined", s.raft.AddNonvoter(id, addr, 0, s.cfg.ApplyTimeout))
		}
	}
	if voters >= s.cfg.MaxVoters {
		return
	}
	// Promote non-voters, the servers list is refreshed after the changes.
	servers, err := s.servers()
	if err != nil {
		return
	}
	for _, srv := range servers {
		if voters >= s.cfg.MaxVoters {
			break
		}
		if m, ok := members[string(srv.ID)]; ok && srv.Suffrage == raft.Nonvoter && m.state == MemberAlive {
			if r.change("promote", srv.ID, srv.Address, "voters are missing", s.raft.AddVoter(srv.ID, srv.Address, 0, s.cfg.ApplyTimeout)) {
				voters++
			}
		}
	}
}

// admissible asks a member about to be added which cluster its state
// belongs to (its gossip metadata may lag behind): only a node without
// state, or one of this cluster, may be added. Adding a node with another
// cluster's state would overwrite that state.
func (r *reconciler) admissible(ctx context.Context, m gossipMember, clusterID string) bool {
	ctx, cancel := context.WithTimeout(ctx, identifyTimeout)
	defer cancel()
	var reply rpcmsg.IdentifyReply
	err := r.s.fwd.call(ctx, m.meta.ClusterAddr, rpcmsg.Service+".Identify", &rpcmsg.IdentifyArgs{}, &reply)
	if err == nil {
		err = fromWire(reply.Err)
	}
	if err != nil {
		r.s.logger.Debug("cluster: cannot identify a joining member yet", "member", m.name, "err", err)
		return false
	}
	if reply.ClusterID == clusterID && clusterID != "" || reply.ClusterID == "" && !reply.HasState {
		return true
	}
	why := reply.ClusterID
	if why == "" {
		why = "an unnamed cluster (wipe its data directory to let it join)"
	}
	if r.foreign[m.name] != why {
		r.foreign[m.name] = why
		r.s.logger.Warn("cluster: not adding a member that holds the state of another cluster", "member", m.name, "its cluster", why, "this cluster", clusterID)
	}
	return false
}

// removalReason says why the leader should remove srv, "" if it should not.
func (r *reconciler) removalReason(srv raft.Server, members map[string]gossipMember, now time.Time) string {
	id := string(srv.ID)
	if id == r.s.cfg.NodeName {
		return ""
	}
	grace := r.s.cfg.DeadNodeGrace
	m, ok := members[id]
	if !ok {
		first, seen := r.missing[id]
		if !seen {
			r.missing[id] = now
			return ""
		}
		if now.Sub(first) < grace {
			return ""
		}
		return fmt.Sprintf("unknown to the gossip for %v", now.Sub(first).Round(time.Second))
	}
	delete(r.missing, id)
	switch {
	case m.state == MemberLeft, m.metaOK && m.meta.Leaving:
		return "it left"
	case m.state == MemberDead && now.Sub(m.since) >= grace:
		return fmt.Sprintf("dead for %v", now.Sub(m.since).Round(time.Second))
	}
	return ""
}

// change waits for a configuration change and logs its outcome.
func (r *reconciler) change(what string, id raft.ServerID, addr raft.ServerAddress, why string, f raft.IndexFuture) bool {
	if err := f.Error(); err != nil {
		r.s.logger.Warn("cluster: raft configuration change failed", "change", what, "member", id, "addr", addr, "err", err)
		return false
	}
	r.s.logger.Info("cluster: raft configuration changed", "change", what, "member", id, "addr", addr, "why", why)
	return true
}

// forgetGone drops the records of members that are dead or left for longer
// than the grace period and are no raft servers.
func (r *reconciler) forgetGone(servers []raft.Server) {
	now := time.Now()
	var gone []string
	for _, m := range r.s.members.snapshot(now) {
		if _, in := findServer(servers, raft.ServerID(m.name)); in {
			continue
		}
		if (m.state == MemberDead || m.state == MemberLeft) && now.Sub(m.since) > r.s.cfg.DeadNodeGrace {
			gone = append(gone, m.name)
		}
	}
	r.s.members.forget(gone)
}

// findServer returns the server with id.
func findServer(servers []raft.Server, id raft.ServerID) (raft.Server, bool) {
	for _, srv := range servers {
		if srv.ID == id {
			return srv, true
		}
	}
	return raft.Server{}, false
}

// newClusterID returns a random cluster ID.
func newClusterID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
