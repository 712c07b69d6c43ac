package httpserver

import (
	"errors"
	"net"
	"os"
	"time"
)

// Read deadlines set lazily.
//
// connState sets a connection's read deadline twice per request: the
// keep-alive timeout (or the held-reply guard) once a reply is written,
// and the header timeout once the next request's first byte has arrived.
// Each is a trip through the runtime's timer code. The second is almost
// always later than the first, which is still ahead and, on a busy
// connection, never fires: the header and body arrive long before. So
// when the deadline in force is still ahead and earlier than the header
// deadline, the socket keeps it and the header deadline is only recorded.
// A read that times out before the recorded deadline arms the socket with
// it and reads again: the deadline a request sees is the one the server
// set, only the timer behind it is set later, when it is needed.
//
// All of this runs on the connection's serving goroutine. A hijacked
// connection leaves it: from the hijack on, deadlines and reads go
// straight to the socket (see goPlain).

// readDeadline is a gateConn's record of its socket's read deadline.
type readDeadline struct {
	// armed is the deadline the socket has (zero: none).
	armed time.Time
	// want is the deadline the server set (zero: none); later than armed
	// after extendReadDeadline recorded it without arming it, or while the
	// socket has a held reply's guard.
	want time.Time
}

// lazy reports whether the socket's deadline is earlier than the one set.
func (d *readDeadline) lazy() bool {
	return !d.armed.IsZero() && (d.want.IsZero() || d.want.After(d.armed))
}

// armReadDeadline gives the socket the read deadline t and records it as
// the one set.
func (c *gateConn) armReadDeadline(t time.Time) error {
	if err := c.setSocketReadDeadline(t); err != nil {
		return err
	}
	c.rd.want = t
	return nil
}

// setSocketReadDeadline gives the socket the read deadline t, leaving the
// one set as it is.
func (c *gateConn) setSocketReadDeadline(t time.Time) error {
	if err := c.Conn.SetReadDeadline(t); err != nil {
		return err
	}
	c.rd.armed = t
	return nil
}

// extendReadDeadline sets the read deadline to t, a time later than now.
// When the socket's deadline is still ahead and earlier than t, and no
// reply is held, t is only recorded (see above).
func (c *gateConn) extendReadDeadline(now, t time.Time) error {
	if c.hr.holding || c.rd.armed.IsZero() || !c.rd.armed.After(now) || !c.rd.armed.Before(t) {
		return c.setReadDeadlineAt(now, t)
	}
	c.hr.guarded = false
	c.rd.want = t
	return nil
}

// readPlain reads from the socket. A read that timed out on a deadline
// earlier than the one set arms the socket with the one set and reads
// again.
func (c *gateConn) readPlain(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	for err != nil && c.rd.lazy() && errors.Is(err, os.ErrDeadlineExceeded) {
		if !c.rd.want.IsZero() && !time.Now().Before(c.rd.want) {
			break
		}
		if aerr := c.armReadDeadline(c.rd.want); aerr != nil {
			return n, aerr
		}
		n, err = c.Conn.Read(p)
	}
	return n, err
}

// goPlain hands the connection over to a hijack handler: the socket gets
// the deadline last set, and from now on deadlines and reads go straight
// to it, from whichever goroutine the handler uses.
func (c *gateConn) goPlain() {
	if c.rd.lazy() {
		_ = c.armReadDeadline(c.rd.want)
	}
	c.plain = true
}

// asGateConn returns the gate connection under c (a TLS connection's
// included), or nil.
func asGateConn(c net.Conn) *gateConn {
	if tc, ok := c.(interface{ NetConn() net.Conn }); ok {
		c = tc.NetConn()
	}
	gc, _ := c.(*gateConn)
	return gc
}
