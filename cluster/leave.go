package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
	"github.com/hashicorp/raft"
)

// gossipLeaveTimeout bounds the broadcast of this node's leave.
const gossipLeaveTimeout = 2 * time.Second

// Leave takes this node out of the cluster cleanly, before Close: a leader
// first hands its leadership to another voter, then the node tells the
// gossip it leaves (the others list it as left at once instead of waiting
// for the failure detector), then the leader removes it from the raft
// configuration. The node's data stay in its data directory; started
// again it is added back like a new member. The only voter of a cluster
// (the standalone default) does not leave: nobody could take over. Leave
// keeps serving reads; writes after it fail.
func (s *Store) Leave(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.left.Swap(true) {
		return nil
	}
	servers, err := s.servers()
	if err != nil {
		return s.raftError(err)
	}
	id := raft.ServerID(s.cfg.NodeName)
	_, member := findServer(servers, id)
	voters := 0
	for _, srv := range servers {
		if srv.Suffrage == raft.Voter && srv.ID != id {
			voters++
		}
	}
	if member && voters == 0 {
		s.logger.Info("cluster: not leaving, this node is the only voter")
		return s.leaveGossip()
	}
	if !member {
		return s.leaveGossip()
	}
	if err := s.handOver(ctx); err != nil {
		return err
	}
	// Announce the leave first: the leader then removes this node and does
	// not add it back while it is still alive in the gossip.
	if err := s.leaveGossip(); err != nil {
		return err
	}
	if err := s.removeSelf(ctx); err != nil {
		return err
	}
	s.logger.Info("cluster: left the raft configuration")
	return nil
}

// handOver transfers the leadership away from this node, if it leads, and
// waits until another node leads. If no voter can take over, the node stays
// leader and removes itself.
func (s *Store) handOver(ctx context.Context) error {
	if !s.IsLeader() {
		return nil
	}
	if err := s.raft.LeadershipTransfer().Error(); err != nil {
		// The leader then removes itself, and steps down once that commits.
		s.logger.Warn("cluster: leave: handing over the leadership failed", "err", err)
		return nil
	}
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		if id, _ := s.Leader(); id != "" && id != s.cfg.NodeName {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: leave: waiting for a new leader: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// removeSelf asks the leader to remove this node from the configuration.
func (s *Store) removeSelf(ctx context.Context) error {
	err := s.onLeader(ctx, func(ctx context.Context) error {
		return retryIdempotent(s.removeServerLocal(ctx, s.cfg.NodeName))
	}, func(ctx context.Context, addr string) error {
		var reply rpcmsg.ErrorReply
		args := &rpcmsg.RemoveArgs{ID: s.cfg.NodeName, Timeout: remaining(ctx)}
		if err := s.fwd.call(ctx, addr, rpcmsg.Service+".RemoveServer", args, &reply); err != nil {
			return retryIdempotent(err)
		}
		return retryIdempotent(fromWire(reply.Err))
	})
	if err != nil {
		return fmt.Errorf("cluster: leave: %w", err)
	}
	return nil
}

// removeServerLocal removes server id from the configuration on this node,
// which must be the leader.
func (s *Store) removeServerLocal(ctx context.Context, id string) error {
	if err := s.checkWrite(ctx); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("%w: empty server ID", ErrInvalid)
	}
	servers, err := s.servers()
	if err != nil {
		return s.raftError(err)
	}
	srv, in := findServer(servers, raft.ServerID(id))
	if !in {
		return nil
	}
	others := 0
	for _, o := range servers {
		if o.Suffrage == raft.Voter && o.ID != srv.ID {
			others++
		}
	}
	if others == 0 {
		// The others left first: the last voter stays, nobody could take over.
		s.logger.Info("cluster: not removing the last voter", "member", id)
		return nil
	}
	timeout := s.cfg.ApplyTimeout
	if r := remaining(ctx); r > 0 {
		timeout = r
	}
	if err := s.raft.RemoveServer(raft.ServerID(id), 0, timeout).Error(); err != nil {
		return s.raftError(err)
	}
	s.logger.Info("cluster: raft configuration changed", "change", "remove", "member", id, "why", "it is leaving")
	return nil
}

// leaveGossip tells the gossip that this node leaves: first in its
// metadata (so that the others tell the leave from a failure), then by
// memberlist's leave broadcast.
func (s *Store) leaveGossip() error {
	if s.ml == nil {
		return nil
	}
	s.refreshMeta()
	s.mlMu.Lock()
	defer s.mlMu.Unlock()
	if s.ml == nil || s.closed.Load() {
		return nil
	}
	if err := s.ml.Leave(gossipLeaveTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		s.logger.Warn("cluster: leave: gossip broadcast", "err", err)
	}
	return nil
}
