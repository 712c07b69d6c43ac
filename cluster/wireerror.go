package cluster

import (
	"context"
	"errors"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
)

// The codes of rpcmsg.Error, one per sentinel the store's callers test for.
const (
	codeConflict       = "conflict"
	codeNotLeader      = "not-leader"
	codeLeaseNotFound  = "lease-not-found"
	codeNotFound       = "not-found"
	codeInvalid        = "invalid"
	codeLeadershipLost = "leadership-lost"
	codeClosed         = "closed"
	codeDeadline       = "deadline"
	codeCanceled       = "canceled"
	codeOther          = "other"
)

// toWire encodes err for an RPC reply, so that the caller gets back the
// error types and sentinels the callee returned; nil stays nil.
func toWire(err error) *rpcmsg.Error {
	if err == nil {
		return nil
	}
	w := &rpcmsg.Error{Msg: err.Error()}
	var conflict *ConflictError
	var notLeader *NotLeaderError
	switch {
	case errors.As(err, &conflict):
		w.Code, w.Key, w.Expected, w.Current = codeConflict, conflict.Key, conflict.Expected, conflict.Current
	case errors.As(err, &notLeader):
		w.Code, w.LeaderID, w.LeaderAddr = codeNotLeader, notLeader.LeaderID, notLeader.LeaderAddr
	case errors.Is(err, ErrNotLeader):
		w.Code = codeNotLeader
	case errors.Is(err, ErrLeaseNotFound):
		w.Code = codeLeaseNotFound
	case errors.Is(err, ErrNotFound):
		w.Code = codeNotFound
	case errors.Is(err, ErrInvalid):
		w.Code = codeInvalid
	case errors.Is(err, ErrLeadershipLost):
		w.Code = codeLeadershipLost
	case errors.Is(err, ErrClosed):
		w.Code = codeClosed
	case errors.Is(err, context.DeadlineExceeded):
		w.Code = codeDeadline
	case errors.Is(err, context.Canceled):
		w.Code = codeCanceled
	default:
		w.Code = codeOther
	}
	return w
}

// fromWire decodes an error of an RPC reply; nil stays nil.
func fromWire(w *rpcmsg.Error) error {
	if w == nil {
		return nil
	}
	switch w.Code {
	case codeConflict:
		return &ConflictError{Key: w.Key, Expected: w.Expected, Current: w.Current}
	case codeNotLeader:
		return &NotLeaderError{LeaderID: w.LeaderID, LeaderAddr: w.LeaderAddr}
	case codeClosed:
		// The node asked is shutting down, possibly in the middle of the
		// request: this node is not closed, the outcome is unknown.
		return &remoteError{msg: "cluster: the node asked shut down during the request: " + ErrOutcomeUnknown.Error(), kind: ErrOutcomeUnknown}
	}
	sentinels := map[string]error{
		codeLeaseNotFound:  ErrLeaseNotFound,
		codeNotFound:       ErrNotFound,
		codeInvalid:        ErrInvalid,
		codeLeadershipLost: ErrLeadershipLost,
		codeDeadline:       context.DeadlineExceeded,
		codeCanceled:       context.Canceled,
	}
	return &remoteError{msg: w.Msg, kind: sentinels[w.Code]}
}

// remoteError is an error the leader returned: its message, and the
// sentinel it wrapped (nil for other errors).
type remoteError struct {
	msg  string
	kind error
}

// Error returns the leader's message.
func (e *remoteError) Error() string { return e.msg }

// Unwrap returns the sentinel.
func (e *remoteError) Unwrap() error { return e.kind }
