package gateway

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/gatewright/gatewright/cluster"
)

// clusterSettings are the clustering options.
type clusterSettings struct {
	gossipAddr      string
	advertiseIP     string
	join            []string
	bootstrapExpect int
	maxVoters       int
	deadNodeGrace   time.Duration
	roles           []string
	store           func(*cluster.Config)
}

// WithClusterAddr sets the cluster address: the TCP address of raft and of
// the store's node-to-node RPC (default a free port on 127.0.0.1, which
// suits a standalone node; a cluster member needs a fixed address the
// other nodes can reach). It is the same setting as WithStoreAddr.
func WithClusterAddr(addr string) Option { return func(s *settings) { s.raftAddr = addr } }

// WithGossipAddr sets the memberlist address (TCP and UDP on one port).
// Setting it, WithJoin or WithBootstrapExpect makes the node gossip; a
// node without any of them is standalone and opens no gossip port. With
// WithJoin or WithBootstrapExpect alone the gossip binds the cluster
// address's host on a free port.
func WithGossipAddr(addr string) Option {
	return func(s *settings) { s.cluster.gossipAddr = addr }
}

// WithJoin gives gossip addresses (host:port) of cluster members to join.
// A node started with them does not bootstrap a cluster of its own: it
// waits until the leader adds it.
func WithJoin(addrs ...string) Option {
	return func(s *settings) { s.cluster.join = append(s.cluster.join, addrs...) }
}

// WithBootstrapExpect makes n nodes started together form one cluster: a
// fresh node waits until it sees n fresh nodes (started with the same n)
// and then they bootstrap one cluster. Give every one of them the others'
// gossip addresses with WithJoin.
func WithBootstrapExpect(n int) Option {
	return func(s *settings) { s.cluster.bootstrapExpect = n }
}

// WithMaxVoters sets how many members vote in raft (default 3); the
// others replicate as non-voters.
func WithMaxVoters(n int) Option { return func(s *settings) { s.cluster.maxVoters = n } }

// WithDeadNodeGrace sets how long a member may be dead before the leader
// removes it from the raft configuration (default 1m).
func WithDeadNodeGrace(d time.Duration) Option {
	return func(s *settings) { s.cluster.deadNodeGrace = d }
}

// WithAdvertiseIP sets the IP the other nodes reach the cluster and gossip
// addresses at, when they bind all interfaces (0.0.0.0); the ports stay
// those bound, so they must be fixed.
func WithAdvertiseIP(ip string) Option { return func(s *settings) { s.cluster.advertiseIP = ip } }

// WithRoles adds roles the node announces to the other members, besides
// "traffic" and, when the admin API is on, "admin".
func WithRoles(roles ...string) Option {
	return func(s *settings) { s.cluster.roles = append(s.cluster.roles, roles...) }
}

// WithStoreConfig gives a function that has the last word on the store's
// configuration (raft and gossip timings, the network, ...): for tests and
// embedders with needs the options above do not cover.
func WithStoreConfig(f func(*cluster.Config)) Option {
	return func(s *settings) { s.cluster.store = f }
}

// storeConfig is the store configuration of the settings.
func (s *settings) storeConfig() (cluster.Config, error) {
	c := cluster.Config{
		DataDir:         s.dataDir,
		NodeName:        s.name,
		BindAddr:        s.raftAddr,
		GossipAddr:      s.cluster.gossipAddr,
		Join:            s.cluster.join,
		BootstrapExpect: s.cluster.bootstrapExpect,
		MaxVoters:       s.cluster.maxVoters,
		DeadNodeGrace:   s.cluster.deadNodeGrace,
		Roles:           s.roles(),
		APIAddr:         s.announcedAPIAddr(),
		Version:         Version(),
		Logger:          s.logger.With("component", "store"),
	}
	// A standalone node, or the first node of a cluster, bootstraps alone;
	// a node told whom to join, or to bootstrap with its peers, does not.
	c.Bootstrap = len(c.Join) == 0 && c.BootstrapExpect == 0
	if ip := s.cluster.advertiseIP; ip != "" {
		if net.ParseIP(ip) == nil {
			return c, fmt.Errorf("advertise IP %q is not an IP address", ip)
		}
		var err error
		if c.AdvertiseAddr, err = advertise(ip, c.BindAddr, "cluster"); err != nil {
			return c, err
		}
		if c.GossipAddr != "" {
			if c.GossipAdvertiseAddr, err = advertise(ip, c.GossipAddr, "gossip"); err != nil {
				return c, err
			}
		}
	}
	if s.cluster.store != nil {
		s.cluster.store(&c)
	}
	return c, nil
}

// advertise returns ip with the port of bind.
func advertise(ip, bind, what string) (string, error) {
	_, port, err := net.SplitHostPort(bind)
	if err != nil || port == "" || port == "0" {
		return "", fmt.Errorf("an advertise IP needs a fixed %s port, have %q", what, bind)
	}
	return net.JoinHostPort(ip, port), nil
}

// roles are the roles the node announces.
func (s *settings) roles() []string {
	roles := []string{"traffic"}
	if s.announcedAPIAddr() != "" {
		roles = append(roles, "admin")
	}
	return append(roles, s.cluster.roles...)
}

// announcedAPIAddr is the admin API address the node announces, "" when
// the admin API is off.
func (s *settings) announcedAPIAddr() string {
	switch {
	case strings.EqualFold(s.apiAddr, "off"):
		return ""
	case s.apiAddr == "":
		return DefaultAPIAddr
	default:
		return s.apiAddr
	}
}
