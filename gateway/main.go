package gateway

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Main runs a gateway node with the kinds of registry.Default: the body of
// a gateway binary's main. It parses the command line, runs until SIGINT or
// SIGTERM, drains in-flight requests and exits; errors go to stderr with a
// non-zero exit status.
//
// Flags: --config FILE (node settings and objects; the objects are created
// or updated at start), --data-dir DIR, --name NAME, --traffic-ip IP,
// --api-addr ADDR, --log-level LEVEL, --log-format text|json, and for a cluster --cluster-addr
// ADDR, --gossip-addr ADDR, --join ADDR,..., --bootstrap-expect N,
// --max-voters N, --dead-node-grace DURATION, --advertise-ip IP. On SIGTERM
// or SIGINT a cluster member leaves its cluster cleanly before it stops.
func Main() {
	os.Exit(MainArgs(os.Args[1:], os.Stderr, nil))
}

// MainArgs is Main with its arguments, log output and extra options given,
// for embedders and tests; it returns the exit status.
func MainArgs(args []string, logOut io.Writer, extra []Option) int {
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	fs.SetOutput(logOut)
	configPath := fs.String("config", "", "config file: a Node document and object documents (YAML)")
	dataDir := fs.String("data-dir", "", "data directory (default ./data/NAME)")
	name := fs.String("name", "", "node name (default gatewright)")
	trafficIP := fs.String("traffic-ip", "", "address traffic gates bind (default all interfaces)")
	apiAddr := fs.String("api-addr", "", "admin API address (default "+DefaultAPIAddr+"; off disables it)")
	clusterAddr := fs.String("cluster-addr", "", "raft and store RPC address host:port (default a free port on 127.0.0.1, for a standalone node)")
	gossipAddr := fs.String("gossip-addr", "", "memberlist address host:port, TCP and UDP (default: no gossip, unless --join or --bootstrap-expect)")
	advertiseIP := fs.String("advertise-ip", "", "IP other nodes reach this node at, when binding 0.0.0.0")
	join := fs.String("join", "", "gossip addresses of cluster members to join, comma-separated")
	bootstrapExpect := fs.Int("bootstrap-expect", 0, "bootstrap a new cluster once this many nodes started with it see each other")
	maxVoters := fs.Int("max-voters", 0, "how many members vote in raft (default 3)")
	deadNodeGrace := fs.String("dead-node-grace", "", "how long a dead member stays in raft before it is removed (default 1m)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error (changeable at run time through the admin API)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	logger, levelVar, err := NewLogger(logOut, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintf(logOut, "--log-level, --log-format: %v\n", err)
		return 2
	}

	node := NodeConfig{}
	var objects []byte
	if *configPath != "" {
		data, err := os.ReadFile(*configPath)
		if err != nil {
			logger.Error("reading config", "error", err)
			return 1
		}
		cf, err := ParseConfigFile(data)
		if err != nil {
			logger.Error("config file "+*configPath, "error", err)
			return 1
		}
		if cf.Node != nil {
			node = *cf.Node
		}
		objects = data
	}
	override(&node.Name, *name)
	override(&node.DataDir, *dataDir)
	override(&node.TrafficIP, *trafficIP)
	override(&node.APIAddr, *apiAddr)
	if *clusterAddr != "" {
		node.ClusterAddr, node.StoreAddr = *clusterAddr, ""
	}
	override(&node.GossipAddr, *gossipAddr)
	override(&node.AdvertiseIP, *advertiseIP)
	override(&node.DeadNodeGrace, *deadNodeGrace)
	if *join != "" {
		node.Join = splitList(*join)
	}
	if *bootstrapExpect != 0 {
		node.BootstrapExpect = *bootstrapExpect
	}
	if *maxVoters != 0 {
		node.MaxVoters = *maxVoters
	}
	if node.Name == "" {
		node.Name = "gatewright"
	}
	if node.DataDir == "" {
		node.DataDir = filepath.Join("data", node.Name)
	}
	opts, err := node.Options()
	if err != nil {
		logger.Error("node settings", "node", node.Name, "error", err)
		return 2
	}
	opts = append(opts, WithLogger(logger), WithLogLevel(levelVar))
	if objects != nil {
		opts = append(opts, withConfigObjects(objects))
	}
	g, err := New(append(opts, extra...)...)
	if err != nil {
		logger.Error("starting", "error", err)
		return 1
	}
	signals, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// On a signal the node first leaves its cluster (a leader hands over),
	// then Run closes it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-signals.Done():
		case <-ctx.Done():
			return
		}
		leaveCtx, done := context.WithTimeout(context.Background(), leaveTimeout)
		if err := g.Leave(leaveCtx); err != nil {
			logger.Warn("leaving the cluster", "error", err)
		}
		done()
		cancel()
	}()
	if err := g.Run(ctx); err != nil {
		logger.Error("gateway stopped", "error", err)
		return 1
	}
	logger.Info("gateway stopped")
	return 0
}

// leaveTimeout bounds leaving the cluster on a signal.
const leaveTimeout = 15 * time.Second

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func override(dst *string, flagValue string) {
	if flagValue != "" {
		*dst = flagValue
	}
}
