package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	"go.etcd.io/bbolt"
)

const (
	raftDirName       = "raft"
	raftDBName        = "raft.db"
	logCacheSize      = 512
	transportMaxPool  = 3
	transportTimeout  = 10 * time.Second
	boltLockTimeout   = 2 * time.Second
	raftDirPermission = 0o700
)

// Open opens the store in cfg.DataDir. With existing raft state it restores
// the data (latest snapshot plus the log after it); without, and with
// cfg.Bootstrap, it bootstraps a single-node cluster.
//
// A node that bootstraps or has state waits up to cfg.StartTimeout until it
// is the leader (then every committed write is applied locally) or knows of
// one, so a caller can write as soon as Open returns on a single node. A
// fresh node without Bootstrap returns at once: it has to be added to a
// cluster by its leader before it can take part.
func Open(cfg Config) (*Store, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, logger: cfg.Logger, stop: make(chan struct{})}
	bootstrapped, err := s.start()
	if err != nil {
		s.abort()
		return nil, err
	}
	if !bootstrapped {
		return s, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.StartTimeout)
	defer cancel()
	if err := s.WaitLeader(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("cluster: open %s: %w", cfg.DataDir, err)
	}
	return s, nil
}

// start opens the raft stores and transport and starts raft and the lessor.
// It reports whether the node has state or bootstrapped, i.e. whether it is
// a member of a cluster already.
func (s *Store) start() (member bool, err error) {
	cfg := s.cfg
	dir := filepath.Join(cfg.DataDir, raftDirName)
	if err := os.MkdirAll(dir, raftDirPermission); err != nil {
		return false, fmt.Errorf("cluster: create data dir: %w", err)
	}
	s.bolt, err = raftboltdb.New(raftboltdb.Options{
		Path:        filepath.Join(dir, raftDBName),
		BoltOptions: &bbolt.Options{Timeout: boltLockTimeout},
	})
	if err != nil {
		return false, fmt.Errorf("cluster: open %s (is another store using it?): %w", filepath.Join(dir, raftDBName), err)
	}
	s.logs, err = raft.NewLogCache(logCacheSize, s.bolt)
	if err != nil {
		return false, fmt.Errorf("cluster: log cache: %w", err)
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(dir, cfg.SnapshotRetain, newHclog(s.logger, "raft-snapshot", cfg.RaftLogLevel))
	if err != nil {
		return false, fmt.Errorf("cluster: snapshot store: %w", err)
	}
	var advertise net.Addr
	if cfg.AdvertiseAddr != "" {
		if advertise, err = net.ResolveTCPAddr("tcp", cfg.AdvertiseAddr); err != nil {
			return false, fmt.Errorf("cluster: advertise address: %w", err)
		}
	}
	s.transport, err = raft.NewTCPTransportWithLogger(cfg.BindAddr, advertise, transportMaxPool, transportTimeout, newHclog(s.logger, "raft-net", cfg.RaftLogLevel))
	if err != nil {
		return false, fmt.Errorf("cluster: raft transport on %s: %w", cfg.BindAddr, err)
	}
	rc := s.raftConfig()
	if err := raft.ValidateConfig(rc); err != nil {
		return false, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	hasState, err := raft.HasExistingState(s.logs, s.bolt, snaps)
	if err != nil {
		return false, fmt.Errorf("cluster: read raft state: %w", err)
	}
	s.hub = newHub(cfg.WatchHistory, cfg.WatchBuffer)
	s.fsm = newFSM(s.hub, s.logger)
	s.lessor = newLessor()
	s.raft, err = raft.NewRaft(rc, s.fsm, s.logs, s.bolt, snaps, s.transport)
	if err != nil {
		return false, fmt.Errorf("cluster: start raft: %w", err)
	}
	s.wg.Add(1)
	go s.runLessor(s.raft.LeaderCh())
	if hasState || !cfg.Bootstrap {
		return hasState, nil
	}
	boot := raft.Configuration{Servers: []raft.Server{{
		Suffrage: raft.Voter,
		ID:       raft.ServerID(cfg.NodeName),
		Address:  s.transport.LocalAddr(),
	}}}
	if err := s.raft.BootstrapCluster(boot).Error(); err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
		return false, fmt.Errorf("cluster: bootstrap: %w", err)
	}
	return true, nil
}

// raftConfig translates the store's configuration into raft's.
func (s *Store) raftConfig() *raft.Config {
	cfg := s.cfg
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(cfg.NodeName)
	rc.Logger = newHclog(s.logger, "raft", cfg.RaftLogLevel)
	rc.HeartbeatTimeout = cfg.HeartbeatTimeout
	rc.ElectionTimeout = cfg.ElectionTimeout
	rc.LeaderLeaseTimeout = cfg.LeaderLeaseTimeout
	rc.CommitTimeout = cfg.CommitTimeout
	rc.SnapshotThreshold = cfg.SnapshotThreshold
	rc.SnapshotInterval = cfg.SnapshotInterval
	rc.TrailingLogs = cfg.TrailingLogs
	return rc
}

// abort releases what a failed start acquired.
func (s *Store) abort() {
	s.closed.Store(true)
	if s.raft != nil {
		_ = s.raft.Shutdown().Error()
	}
	close(s.stop)
	s.wg.Wait()
	if s.transport != nil {
		_ = s.transport.Close()
	}
	if s.bolt != nil {
		_ = s.bolt.Close()
	}
}
