package httpserver

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/internal/sendwait"
)

// gateListener wraps the bound TCP listener. It caps concurrent
// connections (a connection over the cap waits in the kernel's accept
// queue until one closes), wraps connections in TLS with the configuration
// current at accept time, and tracks the open connections so that Close
// can end those a graceful shutdown left behind. The cap and the TLS
// configuration change in place when a new generation is installed.
type gateListener struct {
	inner net.Listener
	log   *slog.Logger

	limit    atomic.Int64
	tlsConf  atomic.Pointer[tls.Config]
	accepted atomic.Uint64

	mu      sync.Mutex
	open    int
	conns   map[*gateConn]struct{}
	waiting int
	wake    chan struct{} // closed and replaced when a slot may be free

	closed    chan struct{}
	closeOnce sync.Once
	closeErr  error

	// heldBufs pools the buffers of held replies (heldreply.go).
	heldBufs sync.Pool
}

func newGateListener(inner net.Listener, log *slog.Logger) *gateListener {
	return &gateListener{
		inner:  inner,
		log:    log,
		conns:  map[*gateConn]struct{}{},
		wake:   make(chan struct{}),
		closed: make(chan struct{}),
	}
}

// configure installs a connection cap and a TLS configuration (nil for
// plain HTTP) for the connections accepted from now on.
func (l *gateListener) configure(limit int, conf *tls.Config) {
	l.tlsConf.Store(conf)
	l.limit.Store(int64(limit))
	l.mu.Lock()
	l.notifyLocked()
	l.mu.Unlock()
}

// notifyLocked wakes Accept calls waiting for a free slot.
func (l *gateListener) notifyLocked() {
	if l.waiting > 0 {
		close(l.wake)
		l.wake = make(chan struct{})
	}
}

// acquire takes a connection slot, waiting while the cap is reached. It
// returns false once the listener is closed.
func (l *gateListener) acquire() bool {
	for {
		l.mu.Lock()
		if int64(l.open) < l.limit.Load() {
			l.open++
			l.mu.Unlock()
			return true
		}
		l.waiting++
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-l.closed:
		}
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
		select {
		case <-l.closed:
			return false
		default:
		}
	}
}

// releaseSlot gives back a slot that did not become a connection.
func (l *gateListener) releaseSlot() {
	l.mu.Lock()
	l.open--
	l.notifyLocked()
	l.mu.Unlock()
}

// Accept waits for a free slot, then for a connection. Transient accept
// errors (out of file descriptors, say) are retried with a back-off
// instead of ending the server.
func (l *gateListener) Accept() (net.Conn, error) {
	if !l.acquire() {
		return nil, net.ErrClosed
	}
	var delay time.Duration
	for {
		c, err := l.inner.Accept()
		if err == nil {
			return l.track(c), nil
		}
		if l.isClosed() || errors.Is(err, net.ErrClosed) {
			l.releaseSlot()
			return nil, net.ErrClosed
		}
		delay = min(max(2*delay, 5*time.Millisecond), time.Second)
		l.log.Warn("accepting a connection failed; retrying", "error", err, "retryIn", delay)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-l.closed:
			t.Stop()
			l.releaseSlot()
			return nil, net.ErrClosed
		}
	}
}

// track registers an accepted connection and wraps it in TLS if needed.
func (l *gateListener) track(c net.Conn) net.Conn {
	gc := &gateConn{Conn: c, l: l, ex: sendwait.New(c), peer: addrOf(c.RemoteAddr())}
	l.mu.Lock()
	l.conns[gc] = struct{}{}
	l.mu.Unlock()
	l.accepted.Add(1)
	if conf := l.tlsConf.Load(); conf != nil {
		return tls.Server(gc, conf)
	}
	return gc
}

// forget unregisters a closed connection and frees its slot.
func (l *gateListener) forget(gc *gateConn) {
	l.mu.Lock()
	delete(l.conns, gc)
	l.open--
	l.notifyLocked()
	l.mu.Unlock()
}

// Close stops accepting. Open connections are not touched: see closeConns.
func (l *gateListener) Close() error {
	l.closeOnce.Do(func() {
		close(l.closed)
		l.closeErr = l.inner.Close()
	})
	return l.closeErr
}

func (l *gateListener) isClosed() bool {
	select {
	case <-l.closed:
		return true
	default:
		return false
	}
}

// Addr returns the bound address.
func (l *gateListener) Addr() net.Addr { return l.inner.Addr() }

// closeConns closes every connection still open.
func (l *gateListener) closeConns() int {
	l.mu.Lock()
	list := make([]*gateConn, 0, len(l.conns))
	for c := range l.conns {
		list = append(list, c)
	}
	l.mu.Unlock()
	for _, c := range list {
		_ = c.Close()
	}
	return len(list)
}

// openConns returns the number of open connections.
func (l *gateListener) openConns() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

// gateConn is an accepted connection; closing it frees its slot.
type gateConn struct {
	net.Conn
	l      *gateListener
	closed atomic.Bool
	// linger is set when the connection closes after a reply sent before
	// the request body was read (see lingerOnClose).
	linger atomic.Bool
	// bodyTimeout, when > 0, is the read deadline each read gets while a
	// streamed request body is read (see slideBodyDeadline).
	bodyTimeout atomic.Int64
	// ex sends held replies and waits for the next request in one poller
	// step; nil when the socket gives no raw access.
	ex *sendwait.Exchange
	// hr is the held-reply state (heldreply.go).
	hr heldReply
	// rd records the socket's read deadline (readdeadline.go).
	rd readDeadline
	// plain is set when a hijack handler takes the connection over: from
	// then on deadlines and reads go straight to the socket.
	plain bool
	// peer is the client's address, worked out once at accept (the zero
	// Addr when the socket reports none).
	peer netip.Addr
}

// Close closes the connection once and frees its slot. A connection marked
// to linger closes its sending side first and reads what the client still
// sends for a while, then closes (see lingerOnClose).
func (c *gateConn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	c.flushHeld()
	if c.linger.Load() {
		if hc, ok := c.Conn.(interface{ CloseWrite() error }); ok && hc.CloseWrite() == nil {
			go c.drainAndClose()
			return nil
		}
	}
	err := c.Conn.Close()
	c.l.forget(c)
	return err
}
