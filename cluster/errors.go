package cluster

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound is returned when a key or lease does not exist.
	ErrNotFound = errors.New("cluster: not found")

	// ErrConflict is wrapped by a [*ConflictError]: a compare-and-swap
	// precondition did not hold.
	ErrConflict = errors.New("cluster: revision conflict")

	// ErrNotLeader is wrapped by a [*NotLeaderError]: a write reached a node
	// that is not the raft leader.
	ErrNotLeader = errors.New("cluster: not the leader")

	// ErrCompacted is returned by Watch when the requested revision is older
	// than the event history holds; list again and watch from the listed
	// revision.
	ErrCompacted = errors.New("cluster: revision compacted")

	// ErrWatcherLagged is reported by [Watcher.Err] when the watcher's
	// consumer fell behind and its buffer overflowed; list again and watch
	// from the listed revision.
	ErrWatcherLagged = errors.New("cluster: watcher lagged behind")

	// ErrLeaseNotFound is returned when a lease does not exist (never granted,
	// revoked or expired). It wraps ErrNotFound.
	ErrLeaseNotFound = fmt.Errorf("%w: lease", ErrNotFound)

	// ErrClosed is returned by operations on a closed Store and reported by
	// the watchers it closed.
	ErrClosed = errors.New("cluster: store closed")

	// ErrLeadershipLost is returned when the node lost leadership while a
	// write was being committed: the write may or may not have been applied.
	ErrLeadershipLost = errors.New("cluster: leadership lost, the write may or may not be applied")

	// ErrOutcomeUnknown is wrapped by the errors of writes that may or may
	// not have been applied: the caller stopped waiting, or the connection
	// to the leader broke, before the answer came. Read the key to find out.
	ErrOutcomeUnknown = errors.New("cluster: outcome unknown, the write may or may not be applied")

	// ErrInvalid is wrapped by errors about invalid arguments (an empty key,
	// a non-positive TTL, a key twice in one batch, ...).
	ErrInvalid = errors.New("cluster: invalid argument")
)

// ConflictError reports a failed revision precondition. It wraps ErrConflict.
type ConflictError struct {
	// Key is the key whose precondition failed.
	Key string
	// Expected is the ModRevision the caller expected (0: must not exist).
	Expected uint64
	// Current is the key's current ModRevision (0: it does not exist).
	Current uint64
}

// Error describes the conflict including the current revision.
func (e *ConflictError) Error() string {
	switch {
	case e.Expected == 0:
		return fmt.Sprintf("cluster: revision conflict on %q: expected it not to exist, it exists at revision %d", e.Key, e.Current)
	case e.Current == 0:
		return fmt.Sprintf("cluster: revision conflict on %q: expected revision %d, it does not exist", e.Key, e.Expected)
	default:
		return fmt.Sprintf("cluster: revision conflict on %q: expected revision %d, current revision is %d", e.Key, e.Expected, e.Current)
	}
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// NotLeaderError reports a write attempted on a node that is not the raft
// leader. It wraps ErrNotLeader.
type NotLeaderError struct {
	// LeaderID is the raft server ID of the current leader, empty if unknown.
	LeaderID string
	// LeaderAddr is the raft address of the current leader, empty if unknown.
	LeaderAddr string
}

// Error names the leader if it is known.
func (e *NotLeaderError) Error() string {
	if e.LeaderAddr == "" {
		return "cluster: not the leader, leader unknown"
	}
	return fmt.Sprintf("cluster: not the leader, leader is %q at %s", e.LeaderID, e.LeaderAddr)
}

// Unwrap returns ErrNotLeader.
func (e *NotLeaderError) Unwrap() error { return ErrNotLeader }
