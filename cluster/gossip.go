package cluster

import (
	"fmt"
	"time"

	"github.com/hashicorp/memberlist"
)

// deadNodeReclaim is how long a dead member's name stays bound to its old
// gossip address: after it, the node may come back on another address.
const deadNodeReclaim = 10 * time.Second

// metaUpdateTimeout bounds the wait for the broadcast of new metadata.
const metaUpdateTimeout = time.Second

// gossipDefaults are memberlist's LAN timings, the defaults of GossipTuning.
func gossipDefaults(g GossipTuning) GossipTuning {
	lan := memberlist.DefaultLANConfig()
	setDuration(&g.ProbeInterval, lan.ProbeInterval)
	setDuration(&g.ProbeTimeout, lan.ProbeTimeout)
	setDuration(&g.GossipInterval, lan.GossipInterval)
	setDuration(&g.PushPullInterval, lan.PushPullInterval)
	if g.SuspicionMult <= 0 {
		g.SuspicionMult = lan.SuspicionMult
	}
	return g
}

// localMeta is the metadata this node publishes now.
func (s *Store) localMeta() nodeMeta {
	return nodeMeta{
		ClusterAddr: s.Addr(),
		APIAddr:     s.cfg.APIAddr,
		Roles:       s.cfg.Roles,
		Version:     s.cfg.Version,
		Expect:      s.cfg.BootstrapExpect,
		ClusterID:   s.clusterIDNow(),
		Leaving:     s.left.Load(),
	}
}

// startGossip starts memberlist on Config.GossipAddr. Joining the other
// nodes happens in the background (see runJoin).
func (s *Store) startGossip() error {
	cfg := s.cfg
	meta, err := s.localMeta().encode(memberlist.MetaMaxSize)
	if err != nil {
		return err
	}
	s.members.setMeta(meta)
	tr, err := newGossipTransport(cfg.Network, cfg.GossipAddr, cfg.GossipAdvertiseAddr, s.logger)
	if err != nil {
		return fmt.Errorf("cluster: gossip on %s: %w", cfg.GossipAddr, err)
	}
	mc := memberlist.DefaultLANConfig()
	mc.Name = cfg.NodeName
	mc.Transport = tr
	mc.AdvertisePort = tr.advertise.Port
	mc.Delegate = s.members
	mc.Events = s.members
	mc.Ping = s.members
	mc.Logger = newGossipLogger(s.logger, cfg.RaftLogLevel, s.closed.Load)
	mc.DeadNodeReclaimTime = deadNodeReclaim
	mc.ProbeInterval = cfg.Gossip.ProbeInterval
	mc.ProbeTimeout = cfg.Gossip.ProbeTimeout
	mc.GossipInterval = cfg.Gossip.GossipInterval
	mc.PushPullInterval = cfg.Gossip.PushPullInterval
	mc.SuspicionMult = cfg.Gossip.SuspicionMult
	ml, err := memberlist.Create(mc)
	if err != nil {
		_ = tr.Shutdown()
		return fmt.Errorf("cluster: start gossip: %w", err)
	}
	s.ml = ml
	s.gossipAddr = tr.advertise.String()
	return nil
}

// refreshMeta republishes this node's metadata when it changed (the
// cluster ID is learnt after the start).
func (s *Store) refreshMeta() {
	meta, err := s.localMeta().encode(memberlist.MetaMaxSize)
	if err != nil {
		return
	}
	if cur := s.members.NodeMeta(memberlist.MetaMaxSize); string(cur) == string(meta) {
		return
	}
	s.members.setMeta(meta)
	s.mlMu.Lock()
	defer s.mlMu.Unlock()
	if s.closed.Load() {
		return
	}
	if err := s.ml.UpdateNode(metaUpdateTimeout); err != nil {
		s.logger.Warn("cluster: publishing node metadata failed", "err", err)
	}
}
