package cluster

import (
	"context"
)

// Get returns the key from this node's replica, or an error wrapping
// ErrNotFound. With [Linearizable] the replica first catches up with the
// leader.
func (s *Store) Get(ctx context.Context, key string, opts ...ReadOption) (*KV, error) {
	if err := s.prepareRead(ctx, opts); err != nil {
		return nil, err
	}
	kv, err := s.fsm.get(key)
	if err != nil {
		return nil, err
	}
	return &kv, nil
}

// List returns the keys under prefix sorted by key, and the store revision
// they were read at: watching from that revision sees every later change.
// With [Linearizable] the replica first catches up with the leader.
func (s *Store) List(ctx context.Context, prefix string, opts ...ReadOption) ([]KV, uint64, error) {
	if err := s.prepareRead(ctx, opts); err != nil {
		return nil, 0, err
	}
	kvs, rev := s.fsm.list(prefix)
	return kvs, rev, nil
}

// Put creates or replaces key and returns the new store revision. A key
// attached to a lease is detached from it.
func (s *Store) Put(ctx context.Context, key string, value []byte) (uint64, error) {
	return s.Apply(ctx, []Op{PutOp(key, value)})
}

// Delete deletes key and returns the new store revision, or an error
// wrapping ErrNotFound if the key does not exist.
func (s *Store) Delete(ctx context.Context, key string) (uint64, error) {
	return s.Apply(ctx, []Op{DeleteOp(key)})
}

// CompareAndSwap puts value at key if the key's ModRevision is
// expectModRevision (0: only if the key does not exist) and returns the new
// store revision. Otherwise it returns a [*ConflictError] (wrapping
// ErrConflict) that tells the current revision.
func (s *Store) CompareAndSwap(ctx context.Context, key string, expectModRevision uint64, value []byte) (uint64, error) {
	return s.Apply(ctx, []Op{PutOp(key, value).WithExpect(expectModRevision)})
}

// CompareAndDelete deletes key if its ModRevision is expectModRevision and
// returns the new store revision. Otherwise it returns a [*ConflictError],
// or an error wrapping ErrNotFound if the key does not exist.
func (s *Store) CompareAndDelete(ctx context.Context, key string, expectModRevision uint64) (uint64, error) {
	return s.Apply(ctx, []Op{DeleteOp(key).WithExpect(expectModRevision)})
}

// Apply applies ops atomically in one raft entry and returns the new store
// revision, which every changed key gets as its ModRevision. On a node that
// is not the leader the batch is forwarded to the leader; if no leader can
// be reached before ctx ends (Config.ApplyTimeout without a deadline), the
// error wraps ErrNotLeader and nothing was written. An error wrapping
// ErrOutcomeUnknown or ErrLeadershipLost means the batch may or may not
// have been applied. All or nothing:
// if a precondition fails (an ExpectModRevision that does not match, a
// delete of a missing key, a put with a lease that does not exist) nothing
// is written and the error of the first failing operation is returned. A key
// may appear only once. An empty batch writes nothing and returns the
// current revision.
func (s *Store) Apply(ctx context.Context, ops []Op) (uint64, error) {
	cmd, err := txnCommand(ops)
	if err != nil {
		return 0, err
	}
	if len(ops) == 0 {
		if err := s.checkRead(ctx); err != nil {
			return 0, err
		}
		return s.Revision(), nil
	}
	res, err := s.submit(ctx, cmd)
	if err != nil {
		return 0, err
	}
	return res.rev, nil
}

// Watch watches the keys under prefix (every key for ""): it delivers every
// change with a revision greater than fromRevision, in revision order, also
// those made before the call that the event history still holds.
// fromRevision 0 means "from now". If the history no longer reaches back to
// fromRevision, Watch returns an error wrapping ErrCompacted: list the prefix
// and watch from the listed revision.
//
// The watcher ends when ctx ends, when it is closed, when the store closes,
// or when its consumer falls more than Config.WatchBuffer events behind
// (see [Watcher.Err]). Watching never slows down writes.
func (s *Store) Watch(ctx context.Context, prefix string, fromRevision uint64) (*Watcher, error) {
	if err := s.checkRead(ctx); err != nil {
		return nil, err
	}
	return s.hub.watch(ctx, prefix, fromRevision)
}
