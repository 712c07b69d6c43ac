// Package clustertest runs a cluster of real gatewright store nodes in one
// process, for tests: real raft, real memberlist, real TCP and UDP on
// 127.0.0.1, each node with its own data directory and fixed ports. The
// harness can cut nodes off from each other ([Cluster.Partition]), stop a
// node as a crash would ([Cluster.Kill]) or cleanly ([Cluster.Stop]), and
// start it again on its data directory ([Cluster.Restart]). Partitions are
// injected in each node's [cluster.Network]: connections across the cut
// are refused or broken and gossip packets are dropped; everything else is
// the real network.
//
// Every wait polls with a deadline (Options.Timeout) and fails the test
// when it passes; nothing sleeps for a fixed time.
//
//	c := clustertest.New(t, 3, clustertest.Options{})
//	leader := c.Leader()
//	follower := c.Followers()[0]
//	rev, err := follower.Store().Put(ctx, "objects/a", doc)
//	c.WaitConverged()
package clustertest

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
)

// BootstrapMode tells how a new harness cluster forms.
type BootstrapMode int

const (
	// BootstrapExpect starts every node at once with
	// Config.BootstrapExpect set to the node count and every other node's
	// gossip address to join.
	BootstrapExpect BootstrapMode = iota
	// BootstrapFirst bootstraps node 0 alone; the others join it through
	// the gossip and are added by its leader.
	BootstrapFirst
)

// Options configures a harness cluster. Zero fields take the defaults in
// their comments.
type Options struct {
	// Bootstrap is how the cluster forms. Default BootstrapExpect.
	Bootstrap BootstrapMode
	// MaxVoters is Config.MaxVoters. Default 3.
	MaxVoters int
	// DeadNodeGrace is Config.DeadNodeGrace. Default 1m, longer than
	// any partition a test holds.
	DeadNodeGrace time.Duration
	// NamePrefix starts the node names, followed by the node index.
	// Default "n". Clusters that meet in one test need different ones.
	NamePrefix string
	// Timeout bounds every wait of the harness. Default 30s.
	Timeout time.Duration
	// Logger receives the nodes' logs. Default: warnings and errors to
	// the test log.
	Logger *slog.Logger
	// Configure, if set, adjusts each node's configuration (index i) after
	// the harness filled it in and before the node first opens.
	Configure func(i int, cfg *cluster.Config)
}

// Cluster is a running harness cluster.
type Cluster struct {
	tb     testing.TB
	opts   Options
	faults *faults
	logger *slog.Logger
	dir    string

	mu    sync.Mutex
	nodes []*Node
}

// Node is one node of a harness cluster.
type Node struct {
	// Name is the node name: Options.NamePrefix and the index ("n0", ...).
	Name string
	// Index is the node's position in the cluster.
	Index int
	// DataDir is the node's data directory, kept across restarts.
	DataDir string
	// ClusterAddr is the node's raft and RPC address, kept across restarts.
	ClusterAddr string
	// GossipAddr is the node's memberlist address, kept across restarts.
	GossipAddr string

	c     *Cluster
	cfg   cluster.Config
	mu    sync.Mutex
	store *cluster.Store
}

// New starts a cluster of n nodes and waits until it has formed: one
// leader, every node in the raft configuration (voters up to MaxVoters),
// and every node knowing the leader and the cluster ID. The nodes are
// killed when the test ends.
func New(tb testing.TB, n int, opts Options) *Cluster {
	tb.Helper()
	if opts.MaxVoters == 0 {
		opts.MaxVoters = 3
	}
	if opts.DeadNodeGrace == 0 {
		opts.DeadNodeGrace = time.Minute
	}
	if opts.NamePrefix == "" {
		opts.NamePrefix = "n"
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	// The data directories must outlive the nodes: create them before the
	// cleanup that kills the nodes is registered (cleanups run last first).
	c := &Cluster{tb: tb, opts: opts, faults: newFaults(), logger: opts.Logger, dir: tb.TempDir()}
	if c.logger == nil {
		w := &tbWriter{tb: tb}
		tb.Cleanup(w.stop)
		c.logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	tb.Cleanup(c.killAll)
	for i := range n {
		c.nodes = append(c.nodes, c.newNode(i))
	}
	for _, node := range c.nodes {
		switch {
		case opts.Bootstrap == BootstrapFirst && node.Index == 0:
			node.cfg.Bootstrap = true
		case opts.Bootstrap == BootstrapFirst:
			node.cfg.Join = []string{c.nodes[0].GossipAddr}
		default:
			node.cfg.BootstrapExpect = n
			for _, other := range c.nodes {
				if other != node {
					node.cfg.Join = append(node.cfg.Join, other.GossipAddr)
				}
			}
		}
		if opts.Configure != nil {
			opts.Configure(node.Index, &node.cfg)
		}
	}
	for _, node := range c.nodes {
		if err := node.open(); err != nil {
			tb.Fatalf("clustertest: starting %s: %v", node.Name, err)
		}
	}
	c.WaitFormed()
	return c
}

// newNode prepares node i: name, data directory, free ports, configuration.
func (c *Cluster) newNode(i int) *Node {
	name := fmt.Sprintf("%s%d", c.opts.NamePrefix, i)
	node := &Node{
		Name:        name,
		Index:       i,
		DataDir:     filepath.Join(c.dir, name),
		ClusterAddr: freeAddr(c.tb, false),
		GossipAddr:  freeAddr(c.tb, true),
		c:           c,
	}
	c.faults.own(node.ClusterAddr, name)
	c.faults.own(node.GossipAddr, name)
	node.cfg = cluster.Config{
		DataDir:      node.DataDir,
		NodeName:     name,
		BindAddr:     node.ClusterAddr,
		GossipAddr:   node.GossipAddr,
		Logger:       c.logger.With("node", name),
		RaftLogLevel: slog.LevelWarn,
		StartTimeout: 10 * time.Second,
		ApplyTimeout: 5 * time.Second,
		// Short enough for quick failovers, long enough that a loaded
		// machine running the race detector does not lose its leader.
		HeartbeatTimeout:   600 * time.Millisecond,
		ElectionTimeout:    600 * time.Millisecond,
		LeaderLeaseTimeout: 500 * time.Millisecond,
		CommitTimeout:      5 * time.Millisecond,
		LeaseCheckInterval: 50 * time.Millisecond,
		MaxVoters:          c.opts.MaxVoters,
		DeadNodeGrace:      c.opts.DeadNodeGrace,
		ReconcileInterval:  200 * time.Millisecond,
		RejoinInterval:     500 * time.Millisecond,
		Gossip: cluster.GossipTuning{
			ProbeInterval:    250 * time.Millisecond,
			ProbeTimeout:     200 * time.Millisecond,
			GossipInterval:   50 * time.Millisecond,
			PushPullInterval: 2 * time.Second,
			SuspicionMult:    4,
		},
		Network: c.faults.network(name),
	}
	return node
}

// freeAddr returns a 127.0.0.1 address whose port was free a moment ago,
// for TCP (and UDP too if udp).
func freeAddr(tb testing.TB, udp bool) string {
	tb.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("clustertest: no free port: %v", err)
		}
		addr := ln.Addr().String()
		if !udp {
			_ = ln.Close()
			return addr
		}
		pc, err := net.ListenPacket("udp", addr)
		_ = ln.Close()
		if err == nil {
			_ = pc.Close()
			return addr
		}
	}
	tb.Fatalf("clustertest: no port free for both TCP and UDP")
	return ""
}

// AddNode starts one more node that joins the cluster through the gossip
// (it is added by the leader; see WaitServers). configure, if not nil,
// adjusts its configuration.
func (c *Cluster) AddNode(configure func(*cluster.Config)) *Node {
	c.tb.Helper()
	c.mu.Lock()
	node := c.newNode(len(c.nodes))
	for _, other := range c.nodes {
		node.cfg.Join = append(node.cfg.Join, other.GossipAddr)
	}
	c.nodes = append(c.nodes, node)
	c.mu.Unlock()
	if configure != nil {
		configure(&node.cfg)
	}
	if err := node.open(); err != nil {
		c.tb.Fatalf("clustertest: starting %s: %v", node.Name, err)
	}
	return node
}

// Nodes returns every node, running or not, in index order.
func (c *Cluster) Nodes() []*Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Node(nil), c.nodes...)
}

// Node returns node i.
func (c *Cluster) Node(i int) *Node { return c.Nodes()[i] }

// NodeNamed returns the node called name, nil if there is none.
func (c *Cluster) NodeNamed(name string) *Node {
	for _, n := range c.Nodes() {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Running returns the running nodes.
func (c *Cluster) Running() []*Node {
	var out []*Node
	for _, n := range c.Nodes() {
		if n.Running() {
			out = append(out, n)
		}
	}
	return out
}

// Followers returns the running nodes other than the leader (waiting for
// one, see Leader).
func (c *Cluster) Followers() []*Node {
	leader := c.Leader()
	var out []*Node
	for _, n := range c.Running() {
		if n != leader {
			out = append(out, n)
		}
	}
	return out
}

// Partition cuts the given nodes off from all the others, in both
// directions: raft, forwarded writes and gossip. Connections already open
// across the cut break. Heal ends every partition.
func (c *Cluster) Partition(nodes ...*Node) {
	side := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		side[n.Name] = true
	}
	var all []string
	for _, n := range c.Nodes() {
		all = append(all, n.Name)
	}
	c.faults.partition(side, all)
}

// Heal ends every partition.
func (c *Cluster) Heal() { c.faults.heal() }

// Kill stops a node as a crash would: no leave, no leadership hand-over;
// its sockets close and the other nodes detect the failure.
func (c *Cluster) Kill(n *Node) {
	c.tb.Helper()
	n.mu.Lock()
	s := n.store
	n.store = nil
	n.mu.Unlock()
	if s == nil {
		c.tb.Fatalf("clustertest: %s is not running", n.Name)
	}
	if err := s.Close(); err != nil {
		c.tb.Errorf("clustertest: closing %s: %v", n.Name, err)
	}
}

// Stop stops a node cleanly: it leaves the cluster (see
// cluster.Store.Leave) and closes.
func (c *Cluster) Stop(n *Node) {
	c.tb.Helper()
	s := n.Store()
	if s == nil {
		c.tb.Fatalf("clustertest: %s is not running", n.Name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.Timeout)
	defer cancel()
	if err := s.Leave(ctx); err != nil {
		c.tb.Fatalf("clustertest: %s leaving: %v", n.Name, err)
	}
	c.Kill(n)
}

// Restart starts a stopped node again on its data directory and ports.
func (c *Cluster) Restart(n *Node) {
	c.tb.Helper()
	if n.Running() {
		c.tb.Fatalf("clustertest: %s is running", n.Name)
	}
	if err := n.open(); err != nil {
		c.tb.Fatalf("clustertest: restarting %s: %v", n.Name, err)
	}
}

// killAll closes every running node.
func (c *Cluster) killAll() {
	for _, n := range c.Nodes() {
		n.mu.Lock()
		s := n.store
		n.store = nil
		n.mu.Unlock()
		if s != nil {
			_ = s.Close()
		}
	}
}

// open opens the node's store.
func (n *Node) open() error {
	s, err := cluster.Open(n.cfg)
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.store = s
	n.mu.Unlock()
	return nil
}

// Store returns the node's store, nil while it is stopped.
func (n *Node) Store() *cluster.Store {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.store
}

// Running reports whether the node runs.
func (n *Node) Running() bool { return n.Store() != nil }

// Config returns the configuration the node opens with.
func (n *Node) Config() cluster.Config { return n.cfg }

// String returns the node's name.
func (n *Node) String() string { return n.Name }

// tbWriter writes log output to the test log until the test ends.
type tbWriter struct {
	mu   sync.Mutex
	tb   testing.TB
	done bool
}

func (w *tbWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.tb.Logf("%s", p)
	}
	return len(p), nil
}

func (w *tbWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}
