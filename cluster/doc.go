// Package cluster is gatewright's configuration store: a key/value store with
// revisions, watches and TTL leases, replicated with hashicorp/raft,
// persisted with raft-boltdb in the node's data directory, and kept in
// step with a gossip membership (hashicorp/memberlist).
//
// The embedded default is a standalone node: [Open] with Bootstrap set
// creates (or reopens) the raft state under Config.DataDir, elects itself
// leader and returns a [Store] that accepts writes at once. Being the only
// voter, it stands for election as soon as it starts rather than after
// raft's heartbeat timeout. It opens no gossip port. A cluster runs the same code with more members: give the
// nodes gossip addresses and let them join (see Membership).
//
// # Data model
//
// Keys are strings, values are opaque bytes. Every successful write (a Put, a
// Delete, an atomic batch of operations, or the expiry of a lease that owned
// keys) increments the store revision by one; every key touched by that write
// gets the new revision as its ModRevision, and a key created by it also as its
// CreateRevision. Revisions never go backwards, also across restarts, and
// every node applies the same writes at the same revisions.
//
// [Store.Watch] delivers the changes under a prefix in revision order, including
// recent changes made before the call (the store keeps a bounded history of
// events in memory). A watcher that falls too far behind is cancelled with
// [ErrWatcherLagged] rather than slowing down the store; a watcher that asks for
// a revision the history no longer holds gets [ErrCompacted], and so do the
// watchers of a node that installs a snapshot from the leader. In every case
// the caller lists the prefix again and watches from the listed revision.
//
// # Key layout
//
// gatewright keeps its desired configuration under two prefixes:
//
//	objects/<name>        the spec of the object <name>: its document as JSON
//	                      (kind, name and the kind's own fields)
//	data/<kind>/<key>     custom data of a data kind (for example the entries
//	                      a lookup filter reads, or service instances
//	                      registered with a lease); the value is opaque to
//	                      the store
//
// [ObjectPrefix] and [DataPrefix] name these prefixes. Everything else the
// store replicates lives beside the keys, not under them: leases (ID and
// TTL, and the keys attached to them) and the cluster ID. Volatile runtime
// status never goes through the store (see [Store.GatherStatus]).
//
// # Writes, reads and forwarding
//
// Writes are committed by the raft leader. A write on any other node is
// forwarded to the leader and succeeds there; if no leader can be reached
// before the write's context ends (Config.ApplyTimeout without a deadline)
// it fails with an error wrapping [ErrNotLeader] that says why (no leader
// elected, or which leader could not be reached), and nothing was written.
// An error wrapping [ErrOutcomeUnknown] or [ErrLeadershipLost] means the
// write may or may not have been applied.
//
// Reads are served from the local replica. A read with [Linearizable] sees
// every write acknowledged before it began, on whichever node it runs.
//
// Forwarding uses the store's own RPC, net/rpc with gob messages, on the
// cluster address: raft's transport and the RPC share one TCP port. The
// dialing side writes one byte first, 'R' for a raft connection and 'F'
// for an RPC connection, and the listener routes each connection by it.
// The RPC carries forwarded writes and lease renewals, the leader's
// revision for linearizable reads, the removal of a leaving node, the
// identity check of a joining node, and status requests. The cluster
// address must be on a trusted network: like raft's own transport, the RPC
// has no authentication.
//
// # Membership
//
// A node gossips when it has a gossip address, Join addresses or
// BootstrapExpect. Its metadata travels in memberlist's node meta: cluster
// address, admin API address, roles, version, bootstrap expectation and
// the ID of the cluster whose state it holds. [Store.Members] lists what a
// node knows: the gossip members with their state (alive, suspect, dead,
// left) and the servers of the raft configuration.
//
// The raft configuration follows the gossip. The leader adds every alive
// member that is not a server yet (checking first, over the RPC, that the
// member holds no state of another cluster) as a voter up to
// Config.MaxVoters and as a non-voter beyond, and promotes non-voters when
// voters are missing. It removes a member that left at once, and one that
// stayed dead (or unknown to the gossip) for Config.DeadNodeGrace. Joining
// is idempotent by node name and address: a node that comes back on
// another address is moved. [Store.Leave] takes a node out cleanly: a
// leader hands over its leadership first.
//
// A new cluster forms in one of two ways: one node bootstraps alone
// (Config.Bootstrap) and the others join it, or N nodes started together
// with Config.BootstrapExpect = N wait until they see each other and then
// bootstrap one cluster with the same voters, so that they never form
// several. Nodes keep retrying their Join addresses, the remembered
// members and the dead members' addresses, which heals the gossip after a
// partition.
//
// # Leases
//
// Keys can be attached to a lease with a TTL ([Store.Grant],
// [Store.PutWithLease]). The leader keeps the lease deadlines: a renewal
// ([Store.KeepAlive]) from any node is forwarded to it, and the leader
// revokes an expired lease through raft, so every node deletes its keys at
// the same revision. A new leader gives every lease a fresh full TTL.
//
// # Snapshots
//
// Raft snapshots the state every Config.SnapshotThreshold entries (and on
// [Store.Snapshot]) and truncates its log to Config.TrailingLogs entries
// behind it. A node that lags further behind, or a new node, catches up by
// installing the leader's snapshot.
package cluster
