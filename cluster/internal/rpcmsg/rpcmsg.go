// Package rpcmsg holds the messages of the cluster store's node-to-node
// RPC (net/rpc with gob, on the cluster address). They are plain data;
// package cluster turns them into calls and errors.
package rpcmsg

import "time"

// Service is the name the RPC service is registered under.
const Service = "Store"

// Error is an error as it travels in a reply: a code naming the sentinel
// it wraps, its message, and the fields of the typed errors.
type Error struct {
	Code       string
	Msg        string
	Key        string
	Expected   uint64
	Current    uint64
	LeaderID   string
	LeaderAddr string
}

// ApplyArgs asks the leader to commit an encoded store command.
type ApplyArgs struct {
	// Command is the encoded command.
	Command []byte
	// Timeout bounds the leader's wait for the commit.
	Timeout time.Duration
}

// ApplyReply is the outcome of ApplyArgs.
type ApplyReply struct {
	// Revision is the store revision after the command.
	Revision uint64
	// Lease is the lease a grant created.
	Lease uint64
	// Err is why the command failed.
	Err *Error
}

// LeaseArgs names a lease to keep alive.
type LeaseArgs struct {
	// Lease is the lease ID.
	Lease uint64
}

// RemoveArgs asks the leader to remove a server from the raft
// configuration.
type RemoveArgs struct {
	// ID is the raft server ID (the node name).
	ID string
	// Timeout bounds the configuration change.
	Timeout time.Duration
}

// ReadArgs asks the leader for a revision a linearizable read may be
// served at.
type ReadArgs struct {
	// Timeout bounds the leader's barrier.
	Timeout time.Duration
}

// RevisionReply carries a revision.
type RevisionReply struct {
	// Revision is the leader's store revision after its barrier.
	Revision uint64
	// Err is why there is none.
	Err *Error
}

// StatusArgs asks a node for its runtime status.
type StatusArgs struct {
	// Timeout bounds the node's answer.
	Timeout time.Duration
}

// StatusReply is a node's runtime status.
type StatusReply struct {
	// Status is the node's status as JSON.
	Status []byte
	// Err is why there is none.
	Err *Error
}

// ErrorReply is the reply of calls that only succeed or fail.
type ErrorReply struct {
	// Err is why the call failed.
	Err *Error
}

// IdentifyArgs asks a node which cluster its state belongs to.
type IdentifyArgs struct{}

// IdentifyReply tells which cluster a node's state belongs to.
type IdentifyReply struct {
	// ClusterID is the ID of the node's cluster, empty if it has none.
	ClusterID string
	// HasState is true if the node has a raft log or snapshot.
	HasState bool
	// Err is why the node did not answer.
	Err *Error
}
