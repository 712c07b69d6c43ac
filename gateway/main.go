package gateway

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// Main runs a gateway node with the kinds of registry.Default: the body of
// a gateway binary's main. It parses the command line, runs until SIGINT or
// SIGTERM, drains in-flight requests and exits; errors go to stderr with a
// non-zero exit status.
//
// Flags: --config FILE (node settings and objects; the objects are created
// or updated at start), --data-dir DIR, --name NAME, --traffic-ip IP,
// --log-level LEVEL.
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
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(logOut, "--log-level: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))

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
	if node.Name == "" {
		node.Name = "gatewright"
	}
	if node.DataDir == "" {
		node.DataDir = filepath.Join("data", node.Name)
	}
	opts := []Option{
		WithName(node.Name), WithDataDir(node.DataDir), WithTrafficIP(node.TrafficIP),
		WithStoreAddr(node.StoreAddr), WithAPIAddr(node.APIAddr), WithLogger(logger),
	}
	if objects != nil {
		opts = append(opts, withConfigObjects(objects))
	}
	g, err := New(append(opts, extra...)...)
	if err != nil {
		logger.Error("starting", "error", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := g.Run(ctx); err != nil {
		logger.Error("gateway stopped", "error", err)
		return 1
	}
	logger.Info("gateway stopped")
	return 0
}

func override(dst *string, flagValue string) {
	if flagValue != "" {
		*dst = flagValue
	}
}
