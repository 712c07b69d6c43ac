package filtertest

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/gateway/httpserver"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", ClientIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// StartGateway starts a real gateway for an end-to-end test: its store
// lives in a temporary directory, the admin API is off, it logs nowhere
// and its registry holds HTTPServer, Pipeline and kinds. opts come after
// those settings. Start is bounded by ctx; the gateway is closed when the
// test ends.
func StartGateway(ctx context.Context, t testing.TB, kinds []*filter.Kind, opts ...gateway.Option) *gateway.Gateway {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.ObjectClass, httpserver.Kind)
	reg.Register(registry.ObjectClass, pipeline.Kind)
	for _, k := range kinds {
		reg.Register(registry.FilterClass, k)
	}
	base := []gateway.Option{gateway.WithDataDir(t.TempDir()), gateway.WithRegistry(reg), gateway.WithAPIAddr("off"),
		gateway.WithLogger(slog.New(slog.DiscardHandler))}
	g, err := gateway.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(ctx); err != nil {
		_ = g.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g
}

// WaitRunning waits until the named objects of g run, failing the test on
// an object's error or after Timeout. The supervisor reports a stored
// batch applied once its first object is, so an apply may return before
// the others have started.
func WaitRunning(t testing.TB, g *gateway.Gateway, names ...string) {
	t.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		running := 0
		for _, st := range g.Supervisor().Status() {
			if slices.Contains(names, st.Name) {
				if st.Error != "" {
					t.Fatalf("%s: %s", st.Name, st.Error)
				}
				if st.Running {
					running++
				}
			}
		}
		if running == len(names) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v are not running", names)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
