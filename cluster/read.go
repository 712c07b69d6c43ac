package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
)

// ReadOption changes how [Store.Get] and [Store.List] read.
type ReadOption func(*readOptions)

type readOptions struct {
	linearizable bool
}

// Linearizable makes a read reflect every write acknowledged before the
// read began, on whichever node: the node asks the leader for its revision
// (the leader first commits a barrier, which proves it still leads and has
// applied everything committed) and waits until its own replica has
// applied that revision. It costs a round trip through raft and fails like
// a write, with an error wrapping ErrNotLeader, when no leader can be
// reached in time. Without it reads are served from the local replica at
// once, which may lag behind the leader.
func Linearizable() ReadOption {
	return func(o *readOptions) { o.linearizable = true }
}

// Sync waits until this node's replica has applied every write the leader
// had committed when Sync was called, so that the local reads after it see
// every write acknowledged before it, on any node (see Linearizable). It
// fails like a write when no leader can be reached.
func (s *Store) Sync(ctx context.Context) error {
	return s.prepareRead(ctx, []ReadOption{Linearizable()})
}

// prepareRead checks the store and ctx and, for a linearizable read, waits
// until the local replica has caught up with the leader.
func (s *Store) prepareRead(ctx context.Context, opts []ReadOption) error {
	if err := s.checkRead(ctx); err != nil {
		return err
	}
	var o readOptions
	for _, opt := range opts {
		opt(&o)
	}
	if !o.linearizable {
		return nil
	}
	var rev uint64
	err := s.onLeader(ctx, func(ctx context.Context) error {
		var err error
		rev, err = s.leaderRevision(ctx)
		return retryIdempotent(err)
	}, func(ctx context.Context, addr string) error {
		var reply rpcmsg.RevisionReply
		if err := s.fwd.call(ctx, addr, rpcmsg.Service+".ReadRevision", &rpcmsg.ReadArgs{Timeout: remaining(ctx)}, &reply); err != nil {
			return retryIdempotent(err)
		}
		rev = reply.Revision
		return retryIdempotent(fromWire(reply.Err))
	})
	if err != nil {
		return fmt.Errorf("cluster: linearizable read: %w", err)
	}
	return s.fsm.waitRevision(ctx, rev)
}

// retryIdempotent turns the errors after which an idempotent request (a
// read, a lease renewal, removing a server) may simply be tried again (the
// leader lost its leadership, a connection broke) into a *transientError,
// which onLeader retries.
func retryIdempotent(err error) error {
	if errors.Is(err, ErrLeadershipLost) || errors.Is(err, ErrOutcomeUnknown) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return &transientError{err: err}
	}
	return err
}

// leaderRevision commits a barrier on this node, which must be the leader,
// and returns the revision it has applied after it.
func (s *Store) leaderRevision(ctx context.Context) (uint64, error) {
	if err := s.checkWrite(ctx); err != nil {
		return 0, err
	}
	timeout := s.cfg.ApplyTimeout
	if r := remaining(ctx); r > 0 {
		timeout = r
	}
	f := s.raft.Barrier(timeout)
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case err := <-done:
		if err != nil {
			return 0, s.raftError(err)
		}
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return s.fsm.revision(), nil
}
