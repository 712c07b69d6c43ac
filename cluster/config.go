package cluster

import (
	"fmt"
	"log/slog"
	"time"
)

// Config configures a [Store]. Only DataDir is required; every zero field
// takes the default named in its comment.
type Config struct {
	// DataDir is the node's data directory (required). The raft log and
	// stable store live in DataDir/raft/raft.db, snapshots in
	// DataDir/raft/snapshots.
	DataDir string

	// NodeName is the raft server ID of this node, unique in its cluster
	// and stable across restarts. Default "default".
	NodeName string

	// BindAddr is the TCP address of the raft transport. Default
	// "127.0.0.1:0": a free loopback port. A port chosen by the system
	// changes at every start, which suits a single node; a member of a
	// multi-node cluster needs a fixed port.
	BindAddr string

	// AdvertiseAddr is the raft address other nodes reach this node at,
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
	return c, nil
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}
