package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-hclog"
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
// A standalone node (no gossip) that bootstraps or has state waits up to
// cfg.StartTimeout until it is the leader (then every committed write is
// applied locally) or knows of one, so a caller can write as soon as Open
// returns. A clustered node with state waits as long for a leader but
// opens without one (its replica still serves reads). A fresh node without
// Bootstrap returns at once: it joins through the gossip and is added by
// the leader, or bootstraps with its peers (cfg.BootstrapExpect).
func Open(cfg Config) (*Store, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, logger: cfg.Logger, stop: make(chan struct{}), started: time.Now()}
	member, err := s.start()
	if err != nil {
		s.abort()
		return nil, err
	}
	if !member {
		return s, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.StartTimeout)
	defer cancel()
	if err := s.WaitLeader(ctx); err != nil {
		if s.ml == nil {
			_ = s.Close()
			return nil, fmt.Errorf("cluster: open %s: %w", cfg.DataDir, err)
		}
		s.logger.Warn("cluster: no leader yet; serving the local replica until one is elected", "err", err)
	}
	return s, nil
}

// start opens the raft stores and the cluster address, starts raft, the
// lessor and the store's RPC, and on a clustered node the gossip and its
// loops. It reports whether the node has state or bootstrapped, i.e.
// whether it is a member of a cluster already.
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
	snaps, err := raft.NewFileSnapshotStoreWithLogger(dir, cfg.SnapshotRetain, s.raftLogger("raft-snapshot"))
	if err != nil {
		return false, fmt.Errorf("cluster: snapshot store: %w", err)
	}
	s.mux, err = newMux(cfg.Network, cfg.BindAddr, cfg.AdvertiseAddr, s.logger)
	if err != nil {
		return false, fmt.Errorf("cluster: cluster address %s: %w", cfg.BindAddr, err)
	}
	s.fwd = newForwarder(s.mux)
	s.transport = raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream:  s.mux,
		MaxPool: transportMaxPool,
		Timeout: transportTimeout,
		Logger:  s.raftLogger("raft-net"),
		// 1 turns pipelined replication off. hashicorp/raft's pipeline can
		// wedge: after a failed append its response decoder waits on a
		// channel nobody reads while the sender waits on the decoder, so
		// that follower is never replicated to again and Raft.Shutdown
		// never returns (hashicorp/raft#612; seen here as a node whose
		// Close hung). HashiCorp's own measurements (hashicorp/raft#541)
		// found pipelining of little use with batching.
		MaxRPCsInFlight: 1,
	})
	rpcServer, err := newRPCServer(s)
	if err != nil {
		return false, err
	}
	s.mux.serve(serveRPC(rpcServer))
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
	s.fsm.named = s.rememberClusterID
	if err := s.loadClusterID(); err != nil {
		return false, fmt.Errorf("cluster: read the cluster ID: %w", err)
	}
	s.lessor = newLessor()
	s.raft, err = raft.NewRaft(rc, s.fsm, s.logs, s.bolt, snaps, s.transport)
	if err != nil {
		return false, fmt.Errorf("cluster: start raft: %w", err)
	}
	s.restoresAtStart = s.fsm.restoreCount()
	s.wg.Add(1)
	go s.runLessor(s.raft.LeaderCh())
	if cfg.Bootstrap && !hasState {
		boot := raft.Configuration{Servers: []raft.Server{{
			Suffrage: raft.Voter,
			ID:       raft.ServerID(cfg.NodeName),
			Address:  s.transport.LocalAddr(),
		}}}
		if err := s.raft.BootstrapCluster(boot).Error(); err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
			return false, fmt.Errorf("cluster: bootstrap: %w", err)
		}
	}
	s.electAloneQuickly()
	if cfg.gossipEnabled() {
		s.members = newMemberTable(cfg.NodeName, cfg.Gossip, s.logger)
		if err := s.startGossip(); err != nil {
			return false, err
		}
		s.wg.Add(2)
		go s.runJoin()
		go s.runReconcile()
		if cfg.BootstrapExpect > 0 && !hasState {
			s.wg.Add(1)
			go s.runBootstrapExpect()
		}
	}
	return hasState || cfg.Bootstrap, nil
}

// raftConfig translates the store's configuration into raft's.
func (s *Store) raftConfig() *raft.Config {
	cfg := s.cfg
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(cfg.NodeName)
	rc.Logger = s.raftLogger("raft")
	rc.HeartbeatTimeout = cfg.HeartbeatTimeout
	rc.ElectionTimeout = cfg.ElectionTimeout
	rc.LeaderLeaseTimeout = cfg.LeaderLeaseTimeout
	rc.CommitTimeout = cfg.CommitTimeout
	rc.SnapshotThreshold = cfg.SnapshotThreshold
	rc.SnapshotInterval = cfg.SnapshotInterval
	rc.TrailingLogs = cfg.TrailingLogs
	// Batch the writes that arrive together into one log append.
	rc.BatchApplyCh = true
	// A removed node stops taking part but keeps running until Close.
	rc.ShutdownOnRemove = false
	return rc
}

// raftLogger returns the logger of a raft component, quiet once the store
// closes.
func (s *Store) raftLogger(name string) hclog.Logger {
	return newHclog(s.logger, name, s.cfg.RaftLogLevel).(*hclogAdapter).quietWhen(s.closed.Load)
}

// abort releases what a failed start acquired.
func (s *Store) abort() {
	s.closed.Store(true)
	close(s.stop)
	if s.raft != nil {
		_ = s.raft.Shutdown().Error()
	}
	s.mlMu.Lock()
	if s.ml != nil {
		_ = s.ml.Shutdown()
	}
	s.mlMu.Unlock()
	s.wg.Wait()
	if s.fwd != nil {
		s.fwd.close()
	}
	if s.transport != nil {
		_ = s.transport.Close()
	} else if s.mux != nil {
		_ = s.mux.Close()
	}
	if s.bolt != nil {
		_ = s.bolt.Close()
	}
}
