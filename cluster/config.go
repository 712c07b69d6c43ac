package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"time"
)

// Config configures a [Store]. Only DataDir is required; every zero field
// takes the default named in its comment.
type Config struct {
	// DataDir is the node's data directory (required). The raft log and
	// stable store live in DataDir/raft/raft.db, snapshots in
	// DataDir/raft/snapshots, the gossip addresses last seen in
	// DataDir/raft/gossip-peers.json.
	DataDir string

	// NodeName is the raft server ID and gossip name of this node, unique
	// in its cluster and stable across restarts. Default "default".
	NodeName string

	// BindAddr is the cluster address: the TCP address of raft's transport
	// and of the store's RPC (one port for both). Default "127.0.0.1:0": a
	// free loopback port. A port chosen by the system changes at every
	// start, which suits a single node; a member of a multi-node cluster
	// needs a fixed port.
	BindAddr string

	// AdvertiseAddr is the cluster address other nodes reach this node at,
	// when it differs from the bound address (for example when BindAddr is
	// 0.0.0.0). Default: the bound address.
	AdvertiseAddr string

	// Bootstrap makes a node without existing raft state bootstrap a new
	// cluster with itself as the only voter: the embedded single-node
	// default. A node with existing state ignores it.
	Bootstrap bool

	// Logger receives the store's log records, including raft's own.
	// Default slog.Default().
	Logger *slog.Logger

	// RaftLogLevel is the minimum level of raft's log records passed on to
	// Logger. Default slog.LevelWarn.
	RaftLogLevel slog.Leveler

	// StartTimeout bounds how long Open waits for the node to become leader
	// or to learn of one. Default 10s.
	StartTimeout time.Duration

	// ApplyTimeout bounds a write whose context has no deadline. Default 10s.
	ApplyTimeout time.Duration

	// HeartbeatTimeout is raft's heartbeat timeout. Default 1s.
	HeartbeatTimeout time.Duration

	// ElectionTimeout is raft's election timeout. Default HeartbeatTimeout.
	ElectionTimeout time.Duration

	// LeaderLeaseTimeout is raft's leader lease timeout; at most
	// HeartbeatTimeout. Default HeartbeatTimeout / 2.
	LeaderLeaseTimeout time.Duration

	// CommitTimeout is raft's commit timeout. Default 50ms.
	CommitTimeout time.Duration

	// SnapshotThreshold is how many log entries raft waits for before it
	// takes a snapshot. Default 8192.
	SnapshotThreshold uint64

	// SnapshotInterval is how often raft checks whether to take a snapshot.
	// Default 2m.
	SnapshotInterval time.Duration

	// TrailingLogs is how many log entries raft keeps after a snapshot, so
	// that a slightly lagging follower does not need the whole snapshot.
	// Default 10240.
	TrailingLogs uint64

	// SnapshotRetain is how many snapshots are kept on disk. Default 2.
	SnapshotRetain int

	// WatchHistory is how many recent events the store keeps in memory for
	// watchers that start from a past revision. Default 10000.
	WatchHistory int

	// WatchBuffer is how many undelivered events a watcher may have before
	// it is cancelled with ErrWatcherLagged. Default 1024.
	WatchBuffer int

	// LeaseCheckInterval is how often the leader checks lease deadlines;
	// leases expire up to this late. Default 500ms.
	LeaseCheckInterval time.Duration

	// Clustering. A node gossips with memberlist when GossipAddr, Join or
	// BootstrapExpect is set; without any of them it is a standalone node
	// (the embedded default) and opens no gossip port.

	// GossipAddr is the memberlist address (TCP and UDP on the same port).
	// Default, when gossip is on: the host of the cluster address with a
	// port chosen by the system.
	GossipAddr string

	// GossipAdvertiseAddr is the gossip address other nodes reach this node
	// at, when it differs from the bound one. Default: the bound address.
	GossipAdvertiseAddr string

	// Join lists gossip addresses (host:port) of nodes to join at start; a
	// node keeps retrying them until it has found one, and later uses them
	// and every member it has seen to heal partitions.
	Join []string

	// BootstrapExpect, when positive, makes a node without raft state wait
	// until it sees that many such nodes (all started with the same
	// BootstrapExpect) and then bootstrap one cluster with exactly them as
	// voters, so that N nodes started together form one cluster. It
	// excludes Bootstrap. A node that finds an existing cluster instead
	// waits to be added by its leader.
	BootstrapExpect int

	// MaxVoters is how many voters the leader keeps in the raft
	// configuration; further members are added as non-voters, which
	// replicate everything but do not vote. Default 3.
	MaxVoters int

	// DeadNodeGrace is how long a member may be dead (or missing from the
	// gossip) before the leader removes it from the raft configuration.
	// Default 1m.
	DeadNodeGrace time.Duration

	// ReconcileInterval is how often the leader compares the raft
	// configuration with the gossip membership (it also does on every
	// membership event). Default 1s.
	ReconcileInterval time.Duration

	// RejoinInterval is how often a node retries the Join addresses and the
	// gossip addresses of dead members, which heals partitions. Default 5s.
	RejoinInterval time.Duration

	// Roles, APIAddr and Version are this node's metadata, published to the
	// other members through the gossip (see [Member]).
	Roles []string
	// APIAddr is the node's admin API address.
	APIAddr string
	// Version is the node's software version.
	Version string

	// Gossip tunes the failure detector; zero fields take memberlist's LAN
	// defaults.
	Gossip GossipTuning

	// Network carries the node's cluster and gossip traffic. Default: the
	// host's TCP and UDP network. The clustertest harness substitutes a
	// network that can partition nodes.
	Network Network

	// LocalStatus, if set, answers the other members' requests for this
	// node's runtime status (see [Store.GatherStatus]). Status never goes
	// through raft.
	LocalStatus func(ctx context.Context) (json.RawMessage, error)
}

// GossipTuning holds memberlist's failure-detector timings.
type GossipTuning struct {
	// ProbeInterval is how often a node probes another one. Default 1s.
	ProbeInterval time.Duration
	// ProbeTimeout is how long a probe waits for its ack. Default 500ms.
	ProbeTimeout time.Duration
	// GossipInterval is how often gossip messages are sent. Default 200ms.
	GossipInterval time.Duration
	// PushPullInterval is how often full state is exchanged with a random
	// node. Default 30s.
	PushPullInterval time.Duration
	// SuspicionMult scales how long a suspect node has to refute the
	// suspicion before it is declared dead. Default 4.
	SuspicionMult int
}

const (
	defaultNodeName           = "default"
	defaultBindAddr           = "127.0.0.1:0"
	defaultStartTimeout       = 10 * time.Second
	defaultApplyTimeout       = 10 * time.Second
	defaultHeartbeatTimeout   = time.Second
	defaultCommitTimeout      = 50 * time.Millisecond
	defaultSnapshotThreshold  = 8192
	defaultSnapshotInterval   = 2 * time.Minute
	defaultTrailingLogs       = 10240
	defaultSnapshotRetain     = 2
	defaultWatchHistory       = 10000
	defaultWatchBuffer        = 1024
	defaultLeaseCheckInterval = 500 * time.Millisecond
	defaultMaxVoters          = 3
	defaultDeadNodeGrace      = time.Minute
	defaultReconcileInterval  = time.Second
	defaultRejoinInterval     = 5 * time.Second
)

// withDefaults returns a copy of c with every zero field set to its default,
// or an error if c cannot be used.
func (c Config) withDefaults() (Config, error) {
	if c.DataDir == "" {
		return c, fmt.Errorf("%w: Config.DataDir is required", ErrInvalid)
	}
	if c.NodeName == "" {
		c.NodeName = defaultNodeName
	}
	if c.BindAddr == "" {
		c.BindAddr = defaultBindAddr
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.RaftLogLevel == nil {
		c.RaftLogLevel = slog.LevelWarn
	}
	setDuration(&c.StartTimeout, defaultStartTimeout)
	setDuration(&c.ApplyTimeout, defaultApplyTimeout)
	setDuration(&c.HeartbeatTimeout, defaultHeartbeatTimeout)
	setDuration(&c.ElectionTimeout, c.HeartbeatTimeout)
	setDuration(&c.LeaderLeaseTimeout, c.HeartbeatTimeout/2)
	setDuration(&c.CommitTimeout, defaultCommitTimeout)
	setDuration(&c.SnapshotInterval, defaultSnapshotInterval)
	setDuration(&c.LeaseCheckInterval, defaultLeaseCheckInterval)
	if c.SnapshotThreshold == 0 {
		c.SnapshotThreshold = defaultSnapshotThreshold
	}
	if c.TrailingLogs == 0 {
		c.TrailingLogs = defaultTrailingLogs
	}
	if c.SnapshotRetain <= 0 {
		c.SnapshotRetain = defaultSnapshotRetain
	}
	if c.WatchHistory <= 0 {
		c.WatchHistory = defaultWatchHistory
	}
	if c.WatchBuffer <= 0 {
		c.WatchBuffer = defaultWatchBuffer
	}
	if c.BootstrapExpect < 0 {
		return c, fmt.Errorf("%w: Config.BootstrapExpect %d must not be negative", ErrInvalid, c.BootstrapExpect)
	}
	if c.BootstrapExpect > 0 && c.Bootstrap {
		return c, fmt.Errorf("%w: Config.Bootstrap and Config.BootstrapExpect exclude each other", ErrInvalid)
	}
	if c.MaxVoters < 0 {
		return c, fmt.Errorf("%w: Config.MaxVoters %d must not be negative", ErrInvalid, c.MaxVoters)
	}
	if c.MaxVoters == 0 {
		c.MaxVoters = defaultMaxVoters
	}
	setDuration(&c.DeadNodeGrace, defaultDeadNodeGrace)
	setDuration(&c.ReconcileInterval, defaultReconcileInterval)
	setDuration(&c.RejoinInterval, defaultRejoinInterval)
	c.Gossip = gossipDefaults(c.Gossip)
	if c.Network == nil {
		c.Network = HostNetwork{}
	}
	for i, j := range c.Join {
		if _, _, err := net.SplitHostPort(j); err != nil {
			return c, fmt.Errorf("%w: Config.Join[%d] %q: %v", ErrInvalid, i, j, err)
		}
	}
	if c.gossipEnabled() && c.GossipAddr == "" {
		host, _, err := net.SplitHostPort(c.BindAddr)
		if err != nil {
			return c, fmt.Errorf("%w: Config.BindAddr %q: %v", ErrInvalid, c.BindAddr, err)
		}
		c.GossipAddr = net.JoinHostPort(host, "0")
	}
	return c, nil
}

// gossipEnabled reports whether the node runs memberlist.
func (c *Config) gossipEnabled() bool {
	return c.GossipAddr != "" || len(c.Join) > 0 || c.BootstrapExpect > 0
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}
