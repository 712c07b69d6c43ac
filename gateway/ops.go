package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"

	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// modulePath is the module of the gatewright SDK.
const modulePath = "github.com/gatewright/gatewright"

// opsSettings are the options of operating a node: admin API, logs,
// tracing.
type opsSettings struct {
	admin    AdminConfig
	logLevel *slog.LevelVar
	tracing  TracingConfig
	tracer   trace.TracerProvider
}

// operations is what a started gateway runs to be operated: the admin
// API, the metrics registry and the tracer provider.
type operations struct {
	api     *admin.Server
	metrics *prometheus.Registry
	tracer  trace.TracerProvider
	// ownTracer is the provider the gateway built and shuts down.
	ownTracer *sdktrace.TracerProvider
}

// WithLogLevel gives the level variable of the gateway's logger (the
// logger given with WithLogger, or slog.Default, must use it as its
// level); the admin API's PUT /apis/v2/logs/level changes it at run time.
// Main does this for its own logger.
func WithLogLevel(lv *slog.LevelVar) Option { return func(s *settings) { s.ops.logLevel = lv } }

// Version returns the build version of gatewright in this binary: the
// module version of the SDK (or of the main module when that is the SDK
// itself), with the VCS revision when the build recorded it.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := ""
	if bi.Main.Path == modulePath {
		v = bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			v = d.Version
			if d.Replace != nil && d.Replace.Version != "" {
				v = d.Replace.Version
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += "+" + s.Value[:12]
		}
	}
	return v
}

// startOps builds the metrics registry and the tracer provider; it runs
// before any object starts.
func (g *Gateway) startOps(ctx context.Context) error {
	g.ops.metrics = newMetricsRegistry(g)
	tp, own, err := newTracerProvider(ctx, g.cfg.name, g.cfg.ops)
	if err != nil {
		return err
	}
	g.ops.tracer, g.ops.ownTracer = tp, own
	g.sup.SetTracerProvider(tp)
	return nil
}

// stopOps flushes and stops the tracer provider the gateway built.
func (g *Gateway) stopOps() error {
	if g.ops.ownTracer == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), adminCloseGrace)
	defer cancel()
	err := g.ops.ownTracer.Shutdown(ctx)
	g.ops.ownTracer = nil
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// Metrics returns the gateway's metrics registry (nil before Start): the
// admin API serves it; embedders may register collectors of their own.
func (g *Gateway) Metrics() *prometheus.Registry { return g.ops.metrics }

// NewLogger returns a logger writing text or JSON lines to w at level,
// with the level variable to give WithLogLevel so that the admin API can
// change the level at run time.
func NewLogger(w io.Writer, format, level string) (*slog.Logger, *slog.LevelVar, error) {
	lv := &slog.LevelVar{}
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	lv.Set(l)
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), lv, nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), lv, nil
	}
	return nil, nil, fmt.Errorf("log format %q: use text or json", format)
}
