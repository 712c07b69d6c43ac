package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// checkRead fails if the store is closed or ctx has ended.
func (s *Store) checkRead(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// checkWrite is checkRead that also fails if this node is not the leader.
func (s *Store) checkWrite(ctx context.Context) error {
	if err := s.checkRead(ctx); err != nil {
		return err
	}
	if s.raft.State() != raft.Leader {
		return s.notLeader()
	}
	return nil
}

// applyLocal commits cmd on this node, which must be the leader. A lease
// it grants starts its TTL here.
func (s *Store) applyLocal(ctx context.Context, cmd *command) (applyResult, error) {
	res, err := s.propose(ctx, cmd)
	if err == nil && cmd.Type == cmdGrant {
		s.lessor.renew(res.lease, cmd.TTL)
	}
	return res, err
}

// propose commits cmd through raft and waits until it is applied locally.
// The wait ends with ctx (the outcome is then unknown); without a deadline
// in ctx, raft gets Config.ApplyTimeout to accept the entry.
func (s *Store) propose(ctx context.Context, cmd *command) (applyResult, error) {
	if err := s.checkWrite(ctx); err != nil {
		return applyResult{}, err
	}
	data, err := encodeCommand(cmd)
	if err != nil {
		return applyResult{}, err
	}
	timeout := s.cfg.ApplyTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = time.Until(deadline)
		if timeout <= 0 {
			return applyResult{}, context.DeadlineExceeded
		}
	}
	f := s.raft.Apply(data, timeout)
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case err := <-done:
		if err != nil {
			return applyResult{}, s.raftError(err)
		}
	case <-ctx.Done():
		return applyResult{}, fmt.Errorf("cluster: stopped waiting for the write: %w: %w", ErrOutcomeUnknown, ctx.Err())
	}
	res, ok := f.Response().(applyResult)
	if !ok {
		return applyResult{}, fmt.Errorf("cluster: unexpected apply response %T", f.Response())
	}
	return res, res.err
}
