package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
)

// Grant creates a lease with the given TTL and returns its ID. Keys put with
// the lease are deleted when it expires: when the leader has not received a
// KeepAlive for the lease within ttl (a new leader starts every lease's TTL
// afresh), or when it is revoked.
func (s *Store) Grant(ctx context.Context, ttl time.Duration) (LeaseID, error) {
	if ttl <= 0 {
		return NoLease, fmt.Errorf("%w: lease TTL %v must be positive", ErrInvalid, ttl)
	}
	res, err := s.submit(ctx, &command{Type: cmdGrant, TTL: ttl})
	if err != nil {
		return NoLease, err
	}
	return res.lease, nil
}

// KeepAlive renews lease id for its full TTL. The leader keeps the
// deadlines, so a follower forwards the renewal to it. A lease that no
// longer exists gives ErrLeaseNotFound.
func (s *Store) KeepAlive(ctx context.Context, id LeaseID) error {
	return s.onLeader(ctx, func(ctx context.Context) error {
		return s.keepAliveLocal(ctx, id)
	}, func(ctx context.Context, addr string) error {
		var reply rpcmsg.ErrorReply
		if err := s.fwd.call(ctx, addr, rpcmsg.Service+".KeepAlive", &rpcmsg.LeaseArgs{Lease: uint64(id)}, &reply); err != nil {
			return retryIdempotent(err)
		}
		return retryIdempotent(fromWire(reply.Err))
	})
}

// keepAliveLocal renews a lease on this node, which must be the leader.
func (s *Store) keepAliveLocal(ctx context.Context, id LeaseID) error {
	if err := s.checkWrite(ctx); err != nil {
		return err
	}
	ttl, ok := s.fsm.leaseTTL(id)
	if !ok {
		return fmt.Errorf("%w: %d", ErrLeaseNotFound, id)
	}
	s.lessor.renew(id, ttl)
	return nil
}

// Revoke deletes lease id and every key attached to it. Deleting keys is a
// write that watchers see as delete events.
func (s *Store) Revoke(ctx context.Context, id LeaseID) error {
	_, err := s.submit(ctx, &command{Type: cmdRevoke, Lease: id})
	return err
}

// PutWithLease puts value at key attached to lease id and returns the new
// store revision. The key is deleted when the lease ends; a later Put
// without a lease detaches it.
func (s *Store) PutWithLease(ctx context.Context, key string, value []byte, id LeaseID) (uint64, error) {
	return s.Apply(ctx, []Op{{Type: OpPut, Key: key, Value: value, Lease: id}})
}
