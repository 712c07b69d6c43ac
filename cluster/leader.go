package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
)

// onLeader runs a request on the leader: local when this node leads,
// remote (given the leader's cluster address) otherwise. A request that
// provably did not reach a leader (none is known, the node asked was no
// longer the leader, the connection could not be opened) is tried again
// until ctx ends, or Config.ApplyTimeout if ctx has no deadline; the error
// then wraps ErrNotLeader and says why. Any other outcome is returned as is.
func (s *Store) onLeader(ctx context.Context, local func(context.Context) error, remote func(context.Context, string) error) error {
	if err := s.checkRead(ctx); err != nil {
		return err
	}
	ctx, cancel := s.writeContext(ctx)
	defer cancel()
	start := time.Now()
	delay := 2 * time.Millisecond
	var last error
	var leaderID, leaderAddr string
	for {
		if s.closed.Load() {
			return ErrClosed
		}
		var err error
		if s.IsLeader() {
			err = local(ctx)
		} else if id, addr := s.Leader(); addr != "" {
			leaderID, leaderAddr = id, addr
			err = remote(ctx, addr)
		} else {
			err = &NotLeaderError{}
		}
		if !undelivered(err) {
			return err
		}
		last = err
		select {
		case <-ctx.Done():
			return undeliveredError(time.Since(start), leaderID, leaderAddr, last, ctx.Err())
		case <-s.stop:
			return ErrClosed
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// undelivered reports whether err proves that a request reached no leader,
// or is an idempotent request's failure that may be tried again.
func undelivered(err error) bool {
	var notSent *notSentError
	var transient *transientError
	return errors.Is(err, ErrNotLeader) || errors.As(err, &notSent) || errors.As(err, &transient)
}

// transientError is the failure of an idempotent request that onLeader may
// simply try again.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }

func (e *transientError) Unwrap() error { return e.err }

// undeliveredError explains why a request found no leader in time. It wraps
// ErrNotLeader (the request was not carried out) and the context's error.
func undeliveredError(waited time.Duration, leaderID, leaderAddr string, last, ctxErr error) error {
	waited = waited.Round(time.Millisecond)
	if leaderAddr == "" {
		return fmt.Errorf("cluster: no leader elected within %v (%w): %w", waited, ctxErr, &NotLeaderError{})
	}
	return fmt.Errorf("cluster: could not reach a leader within %v, last tried %q at %s: %v (%w): %w",
		waited, leaderID, leaderAddr, last, ctxErr, &NotLeaderError{LeaderID: leaderID, LeaderAddr: leaderAddr})
}

// writeContext gives ctx a deadline of Config.ApplyTimeout if it has none.
func (s *Store) writeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.cfg.ApplyTimeout)
}

// submit commits cmd on the leader, forwarding it if this node does not
// lead.
func (s *Store) submit(ctx context.Context, cmd *command) (applyResult, error) {
	data, err := encodeCommand(cmd)
	if err != nil {
		return applyResult{}, err
	}
	var res applyResult
	err = s.onLeader(ctx, func(ctx context.Context) error {
		var err error
		res, err = s.applyLocal(ctx, cmd)
		return err
	}, func(ctx context.Context, addr string) error {
		var reply rpcmsg.ApplyReply
		args := &rpcmsg.ApplyArgs{Command: data, Timeout: remaining(ctx)}
		if err := s.fwd.call(ctx, addr, rpcmsg.Service+".Apply", args, &reply); err != nil {
			return err
		}
		res = applyResult{rev: reply.Revision, lease: LeaseID(reply.Lease)}
		return fromWire(reply.Err)
	})
	if err != nil {
		return applyResult{}, err
	}
	return res, nil
}

// remaining is the time left until ctx's deadline.
func remaining(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return time.Until(d)
	}
	return 0
}
