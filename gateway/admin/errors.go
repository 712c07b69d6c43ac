package admin

import (
	"errors"
	"fmt"
)

// Sentinel errors a Backend marks its errors with; each maps to a status
// and a problem type.
var (
	// ErrNotFound: the object does not exist (404 not-found).
	ErrNotFound = errors.New("not found")
	// ErrExists: a create found the object existing (409 already-exists).
	ErrExists = errors.New("already exists")
	// ErrStale: the object changed after the revision the write was based
	// on (409 stale-revision).
	ErrStale = errors.New("stale revision")
	// ErrInvalid: a document is invalid (400 invalid-object).
	ErrInvalid = errors.New("invalid")
	// ErrNotRunning: the write is stored but an object could not start
	// (422 not-running).
	ErrNotRunning = errors.New("stored but not running")
	// ErrUnavailable: the store cannot serve the request now, e.g. no
	// raft leader (503 unavailable).
	ErrUnavailable = errors.New("unavailable")
)

// marked is an error carrying a sentinel besides its own message.
type marked struct {
	err  error
	mark error
}

func (m *marked) Error() string   { return m.err.Error() }
func (m *marked) Unwrap() []error { return []error{m.err, m.mark} }

// Mark returns err marked with sentinel: errors.Is(result, sentinel)
// holds and the message is err's.
func Mark(err, sentinel error) error {
	if err == nil {
		return nil
	}
	return &marked{err: err, mark: sentinel}
}

// Errorf formats an error marked with sentinel.
func Errorf(sentinel error, format string, args ...any) error {
	return Mark(fmt.Errorf(format, args...), sentinel)
}
