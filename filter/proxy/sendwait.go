package proxy

import (
	"net"
	"time"

	"github.com/gatewright/gatewright/internal/sendwait"
	"github.com/valyala/fasthttp"
)

// sendWaitConn is a TCP connection to an upstream server (under TLS for an
// https one) on which a request can be held back by Write and sent by the
// Read that wants its reply, in one step of the network poller (package
// internal/sendwait): one read per reply instead of two.
//
// The poller forgets readiness reported while the connection sat idle, so
// a FIN sent by a server's idle timeout would not wake the wait. A server
// that closed its socket answers the request with a reset, which does,
// but one that only shut its sending side would leave the wait to the
// request timeout. So requests are held back only on connections that
// carried a request within holdWindow, far inside the idle timeouts that
// servers apply; others take the plain path.
type sendWaitConn struct {
	net.Conn
	ex *sendwait.Exchange
	// holding makes Write keep the bytes in held instead of sending them.
	holding bool
	held    []byte
	// lastUse is when the connection last carried a request.
	lastUse time.Time
	// deadlineSet says the socket may have a deadline: SetDeadline was
	// last called with a non-zero time.
	deadlineSet bool
}

const (
	// holdWindow is how recently a connection must have carried a request
	// for the next one to be held back (see sendWaitConn).
	holdWindow = time.Second
	// maxHeld bounds the request bytes held back; a longer request is
	// sent as it is written.
	maxHeld = 8 << 10
)

// dialSendWait dials addr like fasthttp's HostClient does by default (dual
// stack, cached DNS) and wraps the connection in a sendWaitConn.
func dialSendWait(addr string, timeout time.Duration) (net.Conn, error) {
	var conn net.Conn
	var err error
	if timeout > 0 {
		conn, err = fasthttp.DialDualStackTimeout(addr, timeout)
	} else {
		conn, err = fasthttp.DialDualStack(addr)
	}
	if err != nil {
		return nil, err
	}
	ex := sendwait.New(conn)
	if ex == nil {
		return conn, nil
	}
	return &sendWaitConn{Conn: conn, ex: ex}, nil
}

// sendWaitConnOf returns the sendWaitConn under conn, a TLS client
// connection's included, or nil. Over TLS the bytes held and sent are the
// records that carry the request.
func sendWaitConnOf(conn net.Conn) *sendWaitConn {
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		conn = tc.NetConn()
	}
	swc, _ := conn.(*sendWaitConn)
	return swc
}

// holdIfRecent starts holding written bytes back when the connection
// carried a request within holdWindow of now, and records now as its last
// use.
func (c *sendWaitConn) holdIfRecent(now time.Time) {
	c.holding = !c.lastUse.IsZero() && now.Sub(c.lastUse) < holdWindow
	c.lastUse = now
}

// SetDeadline implements net.Conn. Clearing a deadline that is not set
// is skipped: without a pool timeout every request clears it, and each
// call would cost a trip through the runtime's timer code.
func (c *sendWaitConn) SetDeadline(t time.Time) error {
	if t.IsZero() && !c.deadlineSet {
		return nil
	}
	if err := c.Conn.SetDeadline(t); err != nil {
		return err
	}
	c.deadlineSet = !t.IsZero()
	return nil
}

// SetReadDeadline implements net.Conn, keeping SetDeadline's record.
func (c *sendWaitConn) SetReadDeadline(t time.Time) error {
	c.deadlineSet = true
	return c.Conn.SetReadDeadline(t)
}

// SetWriteDeadline implements net.Conn, keeping SetDeadline's record.
func (c *sendWaitConn) SetWriteDeadline(t time.Time) error {
	c.deadlineSet = true
	return c.Conn.SetWriteDeadline(t)
}

// stopHolding ends holding: what is held goes out with the next Read.
func (c *sendWaitConn) stopHolding() { c.holding = false }

// Write implements net.Conn: it holds p back while holding and there is
// room, and otherwise sends anything held, then p.
func (c *sendWaitConn) Write(p []byte) (int, error) {
	if c.holding {
		if len(c.held)+len(p) <= maxHeld {
			if c.held == nil {
				c.held = make([]byte, 0, maxHeld)
			}
			c.held = append(c.held, p...)
			return len(p), nil
		}
		c.holding = false
	}
	if len(c.held) > 0 {
		held := c.held
		c.held = c.held[:0]
		if _, err := c.Conn.Write(held); err != nil {
			return 0, err
		}
	}
	return c.Conn.Write(p)
}

// Read implements net.Conn: with a request held back, it sends it and
// waits for the reply in one poller step; otherwise it is a plain Read.
func (c *sendWaitConn) Read(p []byte) (int, error) {
	if len(c.held) == 0 || len(p) == 0 {
		return c.Conn.Read(p)
	}
	c.holding = false
	held := c.held
	c.held = c.held[:0]
	return c.ex.SendThenRead(held, p)
}
