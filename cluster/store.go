package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

// Store is the replicated configuration store of one node. Open one with
// [Open]; all methods are safe for concurrent use.
type Store struct {
	cfg       Config
	logger    *slog.Logger
	raft      *raft.Raft
	fsm       *fsm
	hub       *hub
	lessor    *lessor
	transport *raft.NetworkTransport
	mux       *mux
	fwd       *forwarder
	bolt      *raftboltdb.BoltStore
	logs      raft.LogStore

	// gossip; ml is nil on a standalone node. mlMu orders Leave and Close.
	mlMu       sync.Mutex
	ml         *memberlist.Memberlist
	members    *memberTable
	gossipAddr string

	started         time.Time
	restoresAtStart uint64
	// quickElection is set while a lone voter's election runs with a
	// lowered heartbeat timeout; normalTimeouts are the ones to restore
	// (quickelection.go).
	quickElection  atomic.Bool
	normalTimeouts raft.ReloadableConfig
	knownID        atomic.Pointer[string] // the remembered cluster ID
	left           atomic.Bool
	closed         atomic.Bool
	stop           chan struct{}
	wg             sync.WaitGroup
	closeOnce      sync.Once
	closeErr       error
}

// NodeName returns the raft server ID of this node.
func (s *Store) NodeName() string { return s.cfg.NodeName }

// Addr returns the cluster address of this node: raft's and the store
// RPC's, as announced to the other nodes.
func (s *Store) Addr() string { return s.mux.Addr().String() }

// GossipAddr returns the gossip address of this node as announced to the
// other nodes, empty on a standalone node.
func (s *Store) GossipAddr() string { return s.gossipAddr }

// ClusterID returns the ID the leader gave the cluster, empty until then
// (and on a standalone node).
func (s *Store) ClusterID() string { return s.clusterIDNow() }

// IsLeader reports whether this node is the raft leader.
func (s *Store) IsLeader() bool { return s.raft.State() == raft.Leader }

// Leader returns the raft server ID and address of the current leader,
// empty if no leader is known.
func (s *Store) Leader() (id, addr string) {
	a, i := s.raft.LeaderWithID()
	return string(i), string(a)
}

// Revision returns the store revision of this node's replica: the revision
// of the last write it applied.
func (s *Store) Revision() uint64 { return s.fsm.revision() }

// WaitLeader waits until a leader is known. On the leader it also waits
// until every committed write is applied to the local state, so that reads
// see them. Open calls it; callers may use it after a leader change.
func (s *Store) WaitLeader(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		if s.closed.Load() {
			return ErrClosed
		}
		if s.raft.State() == raft.Leader {
			err := s.raft.Barrier(s.cfg.ApplyTimeout).Error()
			if err == nil {
				return nil
			}
			if !errors.Is(err, raft.ErrNotLeader) && !errors.Is(err, raft.ErrLeadershipLost) {
				return s.raftError(err)
			}
		} else if _, addr := s.Leader(); addr != "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: no leader: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// Snapshot makes raft take a snapshot of the state now and compact its log.
// It returns nil if nothing was written since the last snapshot.
func (s *Store) Snapshot() error {
	if s.closed.Load() {
		return ErrClosed
	}
	err := s.raft.Snapshot().Error()
	if errors.Is(err, raft.ErrNothingNewToSnapshot) {
		return nil
	}
	if err != nil {
		return s.raftError(err)
	}
	return nil
}

// Close stops the node: gossip, raft and every connection, ends every
// watcher with ErrClosed and closes the data files. Writes in flight fail.
// It does not leave the cluster: the other nodes see this node fail, and
// it rejoins when started again (see Leave). It is safe to call more than
// once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		var errs []error
		close(s.stop)
		s.mlMu.Lock()
		if s.ml != nil {
			if err := s.ml.Shutdown(); err != nil {
				errs = append(errs, fmt.Errorf("cluster: stop gossip: %w", err))
			}
		}
		s.mlMu.Unlock()
		if err := s.raft.Shutdown().Error(); err != nil {
			errs = append(errs, fmt.Errorf("cluster: shut down raft: %w", err))
		}
		s.wg.Wait()
		s.fwd.close()
		s.hub.close()
		if err := s.transport.Close(); err != nil {
			errs = append(errs, fmt.Errorf("cluster: close transport: %w", err))
		}
		if err := s.bolt.Close(); err != nil {
			errs = append(errs, fmt.Errorf("cluster: close raft store: %w", err))
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// notLeader returns a NotLeaderError naming the current leader.
func (s *Store) notLeader() error {
	id, addr := s.Leader()
	return &NotLeaderError{LeaderID: id, LeaderAddr: addr}
}

// raftError maps an error of raft onto the store's errors.
func (s *Store) raftError(err error) error {
	switch {
	case errors.Is(err, raft.ErrNotLeader):
		return s.notLeader()
	case errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return &NotLeaderError{}
	case errors.Is(err, raft.ErrLeadershipLost):
		return fmt.Errorf("%w: %v", ErrLeadershipLost, err)
	case errors.Is(err, raft.ErrRaftShutdown):
		return ErrClosed
	case errors.Is(err, raft.ErrEnqueueTimeout):
		return fmt.Errorf("cluster: %v: %w", err, context.DeadlineExceeded)
	default:
		return fmt.Errorf("cluster: raft: %w", err)
	}
}
