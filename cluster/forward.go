package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/rpc"
	"sync"
	"time"
)

// forwardDialTimeout bounds opening an RPC connection to another node.
const forwardDialTimeout = 2 * time.Second

// forwarder is the client side of the store's RPC: one multiplexed
// connection per peer, opened on first use and replaced when it breaks.
type forwarder struct {
	m       *mux
	mu      sync.Mutex
	clients map[string]*rpc.Client
	closed  bool
}

func newForwarder(m *mux) *forwarder {
	return &forwarder{m: m, clients: make(map[string]*rpc.Client)}
}

// notSentError reports a request that provably never reached its target:
// the connection could not be opened, or the client was already shut down
// before the request was written. Retrying it is safe.
type notSentError struct {
	addr string
	err  error
}

func (e *notSentError) Error() string {
	return fmt.Sprintf("cluster: cannot reach %s: %v", e.addr, e.err)
}

func (e *notSentError) Unwrap() error { return e.err }

// call runs method on the node at addr. It returns a *notSentError if the
// request was not sent, an error wrapping ErrOutcomeUnknown if the
// connection broke or ctx ended before the reply came, and nil once reply
// is filled in.
func (f *forwarder) call(ctx context.Context, addr, method string, args, reply any) error {
	c, err := f.client(ctx, addr)
	if err != nil {
		return &notSentError{addr: addr, err: err}
	}
	call := c.Go(method, args, reply, make(chan *rpc.Call, 1))
	select {
	case <-call.Done:
	case <-ctx.Done():
		return fmt.Errorf("cluster: stopped waiting for %s at %s: %w: %w", method, addr, ErrOutcomeUnknown, ctx.Err())
	}
	if call.Error == nil {
		return nil
	}
	var serverErr rpc.ServerError
	if errors.As(call.Error, &serverErr) {
		return fmt.Errorf("cluster: %s at %s: %v", method, addr, call.Error)
	}
	f.drop(addr, c)
	if errors.Is(call.Error, rpc.ErrShutdown) {
		return &notSentError{addr: addr, err: call.Error}
	}
	return fmt.Errorf("cluster: connection to %s broke during %s: %w: %v", addr, method, ErrOutcomeUnknown, call.Error)
}

// client returns the connection to addr, opening it if needed.
func (f *forwarder) client(ctx context.Context, addr string) (*rpc.Client, error) {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, ErrClosed
	}
	if c, ok := f.clients[addr]; ok {
		f.mu.Unlock()
		return c, nil
	}
	f.mu.Unlock()
	conn, err := f.m.dial(ctx, addr, connRPC, forwardDialTimeout)
	if err != nil {
		return nil, err
	}
	c := rpc.NewClient(conn)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		_ = c.Close()
		return nil, ErrClosed
	}
	if old, ok := f.clients[addr]; ok {
		// Another caller connected meanwhile: use one connection only.
		_ = c.Close()
		return old, nil
	}
	f.clients[addr] = c
	return c, nil
}

// drop forgets and closes a broken connection.
func (f *forwarder) drop(addr string, c *rpc.Client) {
	f.mu.Lock()
	if f.clients[addr] == c {
		delete(f.clients, addr)
	}
	f.mu.Unlock()
	_ = c.Close()
}

// close closes every connection.
func (f *forwarder) close() {
	f.mu.Lock()
	f.closed = true
	clients := f.clients
	f.clients = nil
	f.mu.Unlock()
	for _, c := range clients {
		_ = c.Close()
	}
}
