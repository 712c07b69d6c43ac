package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// shutdownGrace bounds how long Close waits for in-flight requests before
// it closes the connections that are left.
const shutdownGrace = 30 * time.Second

// readBufferSize is the per-connection read buffer; it also caps the size
// of a request's header.
const readBufferSize = 16 << 10

// listenerRuntime is what survives an update that keeps the bind address:
// the listener, the fasthttp server with its open connections, and the
// per-request state pool. Exactly one generation of the HTTPServer object
// owns it at a time; the generation hands it over in Inherit.
type listenerRuntime struct {
	addr string
	log  *slog.Logger
	ln   *gateListener
	srv  *fasthttp.Server

	snap   atomic.Pointer[snapshot]
	states sync.Pool  // *requestState
	ops    runtimeOps // metrics and access log (ops.go)

	served    chan struct{} // closed when Serve returned
	closeOnce sync.Once
	closeErr  error
}

// startRuntime binds addr and starts serving with snap.
func startRuntime(addr string, snap *snapshot, log *slog.Logger) (*listenerRuntime, error) {
	inner, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	rt := &listenerRuntime{
		addr:   addr,
		log:    log,
		ln:     newGateListener(inner, log),
		served: make(chan struct{}),
	}
	rt.states.New = func() any { return newRequestState() }
	rt.ops.writer = newAccessLogWriter(log.With("log", "access"), &rt.ops.metrics.logDropped)
	rt.install(snap)
	rt.srv = &fasthttp.Server{
		Handler:           rt.handle,
		ConnState:         rt.connState,
		Logger:            fasthttpLogger{log: log},
		Concurrency:       math.MaxInt32, // the listener enforces maxConnections
		ReadBufferSize:    readBufferSize,
		StreamRequestBody: true, // body caps are per route: see limitBody
		// Pre-parsing would read multipart bodies (to temporary files)
		// before the handler could apply the route's body cap.
		DisablePreParseMultipartForm: true,
		CloseOnShutdown:              true,
		NoDefaultServerHeader:        true,
	}
	go func() {
		err := rt.srv.Serve(rt.ln)
		close(rt.served)
		if err != nil {
			log.Error("HTTP server stopped serving", "address", addr, "error", err)
		}
	}()
	return rt, nil
}

// install makes snap the generation requests and new connections see.
func (rt *listenerRuntime) install(snap *snapshot) {
	rt.snap.Store(snap)
	rt.ln.configure(snap.maxConns, snap.tlsConfig())
}

// connState applies the read timeouts of the current generation: a new or
// idle connection must start a request within the keep-alive timeout, and
// once it has, its header must arrive within the header timeout. A
// streamed body is read under the body timeout (see slideBodyDeadline).
func (rt *listenerRuntime) connState(c net.Conn, state fasthttp.ConnState) {
	switch state {
	case fasthttp.StateNew, fasthttp.StateIdle:
		now := time.Now()
		var deadline time.Time
		if d := rt.snap.Load().keepAliveTimeout; d > 0 {
			deadline = now.Add(d)
		}
		if gc := asGateConn(c); gc != nil {
			_ = gc.setReadDeadlineAt(now, deadline)
			return
		}
		_ = c.SetReadDeadline(deadline)
	case fasthttp.StateActive:
		// The request's first byte arrived: the rest of its header must
		// follow within the header timeout (see also bodyDeadlines).
		now := time.Now()
		deadline := now.Add(rt.snap.Load().headerTimeout)
		if gc := asGateConn(c); gc != nil {
			_ = gc.extendReadDeadline(now, deadline)
			return
		}
		_ = c.SetReadDeadline(deadline)
	}
}

// close shuts the server down: the listener closes, idle connections
// close, in-flight requests finish (their connections close after the
// response) for at most grace, then whatever is left is closed.
func (rt *listenerRuntime) close(grace time.Duration) error {
	rt.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		err := rt.srv.ShutdownWithContext(ctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			n := rt.ln.closeConns()
			rt.log.Warn("in-flight requests did not finish in time; connections closed", "address", rt.addr, "grace", grace, "connections", n)
			err = nil
		}
		// Serve may not have registered the listener yet, in which case
		// Shutdown did not close it.
		if cerr := rt.ln.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) && err == nil {
			err = cerr
		}
		<-rt.served
		rt.ops.writer.close()
		if err != nil {
			rt.closeErr = fmt.Errorf("closing listener %s: %w", rt.addr, err)
		}
	})
	return rt.closeErr
}

// fasthttpLogger sends fasthttp's own messages (connection errors, mostly)
// to the object's logger at debug level.
type fasthttpLogger struct{ log *slog.Logger }

// Printf implements fasthttp.Logger.
func (l fasthttpLogger) Printf(format string, args ...any) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug(fmt.Sprintf(format, args...))
	}
}
