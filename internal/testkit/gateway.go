package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/gatewright/gatewright/gateway"
)

// StartTimeout bounds how long StartGateway waits for a gateway to start.
const StartTimeout = 30 * time.Second

// StartGateway creates a gateway with opts and starts it, failing the test
// on an error; the gateway is closed when the test ends.
func StartGateway(t testing.TB, opts ...gateway.Option) *gateway.Gateway {
	t.Helper()
	g, err := gateway.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := g.Start(ctx); err != nil {
		_ = g.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g
}
