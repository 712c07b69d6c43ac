// Package gateway wires a node together: the replicated store, the
// supervisor that runs the stored objects, and the traffic gates. Main runs
// a ready gateway binary; New, Run and Close embed one in a program of
// one's own.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// Gateway is one gatewright node.
type Gateway struct {
	cfg   settings
	log   *slog.Logger
	store *cluster.Store
	sup   *supervisor.Supervisor

	closeOnce sync.Once
	closeErr  error
	started   chan struct{}

	ops operations // admin API, metrics, tracing: see admin.go and ops.go
}

// New checks the options and opens the store. The gateway serves nothing
// until Run.
func New(opts ...Option) (*Gateway, error) {
	cfg := settings{name: "gatewright"}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.dataDir == "" {
		return nil, errors.New("gateway: a data directory is required (WithDataDir)")
	}
	if cfg.registry == nil {
		cfg.registry = registry.Default
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	if err := supervisor.CheckName(cfg.name); err != nil {
		return nil, fmt.Errorf("gateway: node %w", err)
	}
	scfg, err := cfg.storeConfig()
	if err != nil {
		return nil, fmt.Errorf("gateway: node %q: %w", cfg.name, err)
	}
	// Other members may ask for this node's status as soon as the store
	// runs; it answers once the gateway is built.
	answer := &statusAnswer{}
	scfg.LocalStatus = answer.status
	store, err := cluster.Open(scfg)
	if err != nil {
		return nil, fmt.Errorf("gateway: opening the store in %s: %w", cfg.dataDir, err)
	}
	g := &Gateway{cfg: cfg, log: cfg.logger, store: store, started: make(chan struct{})}
	g.sup = supervisor.New(supervisor.Config{
		Registry:  cfg.registry,
		Store:     supervisorStore{store},
		Prefix:    cluster.ObjectPrefix,
		Logger:    cfg.logger,
		TrafficIP: cfg.trafficIP,
		Data:      dataReader{store},
	})
	answer.g.Store(g)
	return g, nil
}

// Store returns the gateway's configuration store.
func (g *Gateway) Store() *cluster.Store { return g.store }

// Supervisor returns the supervisor running the gateway's objects.
func (g *Gateway) Supervisor() *supervisor.Supervisor { return g.sup }

// Registry returns the gateway's kind catalogue.
func (g *Gateway) Registry() *registry.Registry { return g.cfg.registry }

// Start applies the configured objects, then starts every stored object and
// returns; the gateway serves until Close.
func (g *Gateway) Start(ctx context.Context) error {
	if err := g.startOps(ctx); err != nil {
		return err
	}
	if len(g.cfg.objects) > 0 {
		specs, err := g.configObjects()
		if err != nil {
			return err
		}
		if _, err := g.ApplySpecs(ctx, specs); err != nil {
			return err
		}
	}
	if err := g.sup.Start(ctx); err != nil {
		return err
	}
	close(g.started)
	if err := g.startAdmin(); err != nil {
		return err
	}
	g.log.Info("gateway started", "node", g.cfg.name, "dataDir", g.cfg.dataDir, "revision", g.sup.Applied())
	return nil
}

// Started is closed once Start has started the objects.
func (g *Gateway) Started() <-chan struct{} { return g.started }

// Run starts the gateway and serves until ctx ends, then closes it,
// letting in-flight requests finish.
func (g *Gateway) Run(ctx context.Context) error {
	if err := g.Start(ctx); err != nil {
		_ = g.Close()
		return err
	}
	<-ctx.Done()
	return g.Close()
}

// Close stops the objects (traffic gates first, draining in-flight
// requests) and closes the store.
func (g *Gateway) Close() error {
	g.closeOnce.Do(func() {
		errAdmin := g.stopAdmin()
		errSup := g.sup.Close()
		errStore := g.store.Close()
		errOps := g.stopOps()
		g.closeErr = errors.Join(errAdmin, errSup, errStore, errOps)
	})
	return g.closeErr
}
