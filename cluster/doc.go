// Package cluster is gatewright's configuration store: a key/value store with
// revisions, watches and TTL leases, replicated with hashicorp/raft and
// persisted with raft-boltdb in the node's data directory.
//
// The embedded default is a single-node cluster: [Open] with Bootstrap set
// creates (or reopens) the raft state under Config.DataDir, elects itself
// leader and returns a [Store] that accepts writes at once. A multi-node
// cluster runs the same code with more members.
//
// # Data model
//
// Keys are strings, values are opaque bytes. Every successful write (a Put, a
// Delete, an atomic batch of operations, or the expiry of a lease that owned
// keys) increments the store revision by one; every key touched by that write
// gets the new revision as its ModRevision, and a key created by it also as its
// CreateRevision. Revisions never go backwards, also across restarts.
//
// Writes go through the raft leader; on any other node they fail with an error
// wrapping [ErrNotLeader]. Reads are served from the local replica.
//
// [Store.Watch] delivers the changes under a prefix in revision order, including
// recent changes made before the call (the store keeps a bounded history of
// events in memory). A watcher that falls too far behind is cancelled with
// [ErrWatcherLagged] rather than slowing down the store; a watcher that asks for
// a revision the history no longer holds gets [ErrCompacted]. In both cases the
// caller lists the prefix again and watches from the listed revision.
//
// # Key layout
//
// gatewright keeps its desired configuration under two prefixes:
//
//	objects/<name>        the spec of the object <name>: its document as JSON
//	                      (kind, name and the kind's own fields)
//	data/<kind>/<key>     custom data of a data kind (for example the entries
//	                      a lookup filter reads), the value is opaque to the store
//
// [ObjectPrefix] and [DataPrefix] name these prefixes. Leases are kept inside
// the store's replicated state and have no keys of their own. Volatile runtime
// status never goes through the store.
package cluster
