package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// applyResult is what fsm.Apply returns for a log entry: the store revision
// after the entry, the lease it granted, or the reason it changed nothing.
type applyResult struct {
	rev   uint64
	lease LeaseID
	err   error
}

// fsm is the raft state machine. raft calls Apply, Snapshot and Restore from
// one goroutine; reads come from any goroutine and take the read lock.
type fsm struct {
	mu       sync.RWMutex
	st       *state
	hub      *hub
	logger   *slog.Logger
	waitCh   chan struct{} // closed when the revision moves; nil if nobody waits
	restores uint64        // snapshots restored since the start
	// named, if set, is told the cluster ID when the state gets one.
	named func(id string)
}

var _ raft.FSM = (*fsm)(nil)

func newFSM(h *hub, logger *slog.Logger) *fsm {
	return &fsm{st: newState(), hub: h, logger: logger}
}

// Apply applies one committed log entry and publishes its events.
func (f *fsm) Apply(l *raft.Log) any {
	cmd, err := decodeCommand(l.Data)
	if err != nil {
		f.logger.Error("cluster: skipping undecodable log entry", "index", l.Index, "err", err)
		return applyResult{err: err}
	}
	var res applyResult
	var events []Event
	f.mu.Lock()
	switch cmd.Type {
	case cmdTxn:
		res.rev, events, res.err = f.st.txn(cmd.Ops)
	case cmdGrant:
		res.lease = LeaseID(l.Index)
		res.err = f.st.grant(res.lease, cmd.TTL)
		res.rev = f.st.rev
	case cmdRevoke:
		res.rev, events, res.err = f.st.revoke(cmd.Lease)
	case cmdClusterID:
		res.err = f.st.setClusterID(cmd.ClusterID)
		res.rev = f.st.rev
		if res.err == nil && f.named != nil {
			defer f.named(cmd.ClusterID)
		}
	default:
		res.rev, res.err = f.st.rev, fmt.Errorf("%w: unknown command type %d", ErrInvalid, cmd.Type)
	}
	f.notifyLocked()
	f.mu.Unlock()
	if len(events) > 0 {
		f.hub.publish(res.rev, events)
	}
	return res
}

// Snapshot captures the state for raft. Records are immutable, so copying
// the maps is enough; the copy is encoded later, concurrently with Apply.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return &fsmSnapshot{rev: f.st.rev, clusterID: f.st.clusterID, kvs: maps.Clone(f.st.kvs), leases: f.st.leaseTTLs()}, nil
}

// Restore replaces the whole state with a snapshot. Watchers cannot be
// told what changed, so they are cancelled with ErrCompacted.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	st, err := readSnapshot(rc)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.st = st
	f.restores++
	f.notifyLocked()
	f.mu.Unlock()
	f.hub.reset(st.rev)
	if st.clusterID != "" && f.named != nil {
		f.named(st.clusterID)
	}
	return nil
}

// notifyLocked wakes the waiters of waitRevision. f.mu must be held.
func (f *fsm) notifyLocked() {
	if f.waitCh != nil {
		close(f.waitCh)
		f.waitCh = nil
	}
}

// waitRevision waits until the state has reached revision rev.
func (f *fsm) waitRevision(ctx context.Context, rev uint64) error {
	for {
		f.mu.Lock()
		if f.st.rev >= rev {
			f.mu.Unlock()
			return nil
		}
		if f.waitCh == nil {
			f.waitCh = make(chan struct{})
		}
		ch := f.waitCh
		cur := f.st.rev
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("cluster: waiting for revision %d (applied %d): %w", rev, cur, ctx.Err())
		}
	}
}

// clusterID returns the ID of the cluster the state belongs to.
func (f *fsm) clusterID() string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.st.clusterID
}

// restoreCount returns how many snapshots were restored.
func (f *fsm) restoreCount() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.restores
}

// get returns a key or ErrNotFound.
func (f *fsm) get(key string) (KV, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.st.get(key)
}

// list returns the keys under prefix, sorted, and the store revision.
func (f *fsm) list(prefix string) ([]KV, uint64) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.st.list(prefix), f.st.rev
}

// revision returns the store revision.
func (f *fsm) revision() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.st.rev
}

// leaseTTL returns the TTL of lease id, if it exists.
func (f *fsm) leaseTTL(id LeaseID) (time.Duration, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	l, ok := f.st.leases[id]
	if !ok {
		return 0, false
	}
	return l.ttl, true
}

// leaseTTLs returns the TTL of every lease.
func (f *fsm) leaseTTLs() map[LeaseID]time.Duration {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.st.leaseTTLs()
}
