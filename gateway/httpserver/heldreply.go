package httpserver

import (
	"errors"
	"os"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Held replies.
//
// After fasthttp writes a reply on a keep-alive connection it reads the
// next request, and Go's Read tries the socket before it parks: almost
// always a system call that returns EAGAIN, since the client has not even
// received the reply yet. To save it, a simple reply is held back by
// Write and sent by that Read, which then waits for the socket to become
// readable before reading (package internal/sendwait): one read per
// request instead of two.
//
// Sending the reply inside the read resets the poller's readiness first.
// A client that waits for each reply before sending its next request
// cannot have sent anything before the reset, so nothing is missed. A
// client that pipelines can: a request that arrived after the last read
// would not wake the wait. So while a reply is held, the read deadline is
// cut to heldReplyGuard; when it passes, the real deadline comes back and
// the socket is read at once. Data found there means a request was
// missed: that connection holds no more replies. An idle connection pays
// one extra wake-up after heldReplyGuard.
//
// A busy connection would set a new guard for every reply, a trip through
// the runtime's timer code each time. Instead, a guard set for an earlier
// reply stays on the socket while it has at least guardReuseLeft to go:
// it passes no later than this reply's own guard would. Should it pass
// first, the wait goes on under this reply's guard after one read that
// takes whatever is there; only a guard that passes heldReplyGuard after
// its reply went out concludes that a request was missed.
//
// Only replies that end an exchange are held: no streamed request or
// reply body, no hijacking, and the connection stays open. Anything that
// reads, writes past maxHeldReply, or closes sends the held bytes first,
// in order.

const (
	// maxHeldReply bounds the bytes of a held reply; a longer reply is
	// sent as it is written.
	maxHeldReply = 16 << 10
	// heldReplyGuard bounds the wait of a read that sent a held reply
	// (see above).
	heldReplyGuard = 100 * time.Millisecond
	// guardReuseLeft is how much of an earlier reply's guard must be left
	// for it to serve the next reply (see above). Three quarters of
	// heldReplyGuard: a connection whose requests come less than 25 ms
	// apart sets one guard per 25 ms instead of one per reply, and a kept
	// guard passes early only when such a run of requests is followed by
	// a pause of 75 ms or more, once per pause.
	guardReuseLeft = heldReplyGuard * 3 / 4
	// heldFlushTimeout bounds the write of a held reply by Close.
	heldFlushTimeout = time.Second
)

// heldReply is the held-reply state of a gateConn. Write, Read and the
// deadline setters run on the connection's serving goroutine; Close may
// run on another, so held is guarded by mu.
type heldReply struct {
	// holding makes Write hold bytes back (set by holdReply).
	holding bool
	// off is set once a connection missed a request while holding, or
	// cannot hold at all (no raw socket).
	off bool
	// guarded says the socket has a guard instead of the deadline the
	// server set (gateConn.rd.want), and guardUntil is when the guard of
	// the held reply passes (see above).
	guarded    bool
	guardUntil time.Time

	mu   sync.Mutex
	held *[]byte // from gateListener.heldBufs; nil when nothing is held
}

// holdReply makes the connection of ctx hold back the reply about to be
// written, when the exchange is a simple one (see above).
func holdReply(ctx *fasthttp.RequestCtx) {
	if ctx.Request.IsBodyStream() || ctx.Response.IsBodyStream() || ctx.Hijacked() ||
		ctx.Response.ConnectionClose() || ctx.Request.Header.ConnectionClose() {
		return
	}
	if gc := gateConnOf(ctx); gc != nil && gc.ex != nil && !gc.hr.off {
		gc.hr.holding = true
	}
}

// Write implements net.Conn: while holding, p joins the held reply if it
// fits; otherwise what is held goes out first, then p.
func (c *gateConn) Write(p []byte) (int, error) {
	if !c.hr.holding {
		return c.Conn.Write(p)
	}
	c.hr.mu.Lock()
	if c.hr.held == nil {
		c.hr.held = c.l.heldBuf()
	}
	if b := *c.hr.held; len(b)+len(p) <= maxHeldReply {
		*c.hr.held = append(b, p...)
		c.hr.mu.Unlock()
		return len(p), nil
	}
	c.hr.holding = false
	held := c.takeHeldLocked()
	c.hr.mu.Unlock()
	if err := c.sendHeld(held); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// takeHeldLocked removes the held reply; c.hr.mu is held.
func (c *gateConn) takeHeldLocked() *[]byte {
	held := c.hr.held
	c.hr.held = nil
	if held != nil && len(*held) == 0 {
		c.l.putHeldBuf(held)
		return nil
	}
	return held
}

// sendHeld writes a held reply taken from the connection (nil: nothing)
// and recycles its buffer.
func (c *gateConn) sendHeld(held *[]byte) error {
	if held == nil {
		return nil
	}
	_, err := c.Conn.Write(*held)
	c.l.putHeldBuf(held)
	return err
}

// readHeld sends the held reply and reads the next bytes in one poller
// step (see above), or reads plainly when nothing is held.
func (c *gateConn) readHeld(p []byte) (int, error) {
	c.hr.holding = false
	c.hr.mu.Lock()
	held := c.takeHeldLocked()
	c.hr.mu.Unlock()
	if held == nil || len(p) == 0 {
		return c.readPlain(p)
	}
	n, err := c.ex.SendThenRead(*held, p)
	c.l.putHeldBuf(held)
	for err != nil && c.hr.guarded && errors.Is(err, os.ErrDeadlineExceeded) {
		if !time.Now().Before(c.hr.guardUntil) {
			return c.readAfterGuard(p)
		}
		// A guard kept from an earlier reply passed before this reply's
		// own: take what is there, or wait on until that one passes.
		if err := c.setSocketReadDeadline(c.hr.guardUntil); err != nil {
			return 0, err
		}
		n, _, err = c.ex.Read(p)
	}
	return n, err
}

// readAfterGuard restores the server's read deadline once the guard
// passed, and reads; data already waiting means a request was missed, so
// the connection stops holding replies.
func (c *gateConn) readAfterGuard(p []byte) (int, error) {
	c.hr.guarded = false
	if err := c.armReadDeadline(c.rd.want); err != nil {
		return 0, err
	}
	n, early, err := c.ex.Read(p)
	if early {
		c.hr.off = true
	}
	return n, err
}

// SetReadDeadline implements net.Conn. While a reply is held the socket
// gets the earlier of t and heldReplyGuard from now (see above).
func (c *gateConn) SetReadDeadline(t time.Time) error {
	if c.plain {
		return c.Conn.SetReadDeadline(t)
	}
	var now time.Time
	if c.hr.holding {
		now = time.Now()
	}
	return c.setReadDeadlineAt(now, t)
}

// setReadDeadlineAt is SetReadDeadline for a caller that has just read the
// clock; now matters only while a reply is held. While one is, the socket
// gets the reply's guard, or keeps an earlier one (see above); t is
// recorded as the deadline wanted once the guard is done with.
func (c *gateConn) setReadDeadlineAt(now, t time.Time) error {
	c.hr.guarded = false
	if !c.hr.holding {
		return c.armReadDeadline(t)
	}
	g := now.Add(heldReplyGuard)
	if !t.IsZero() && !g.Before(t) {
		return c.armReadDeadline(t)
	}
	c.hr.guarded, c.hr.guardUntil = true, g
	c.rd.want = t
	if a := c.rd.armed; !a.IsZero() && !a.After(g) && a.Sub(now) >= guardReuseLeft {
		return nil
	}
	return c.setSocketReadDeadline(g)
}

// SetDeadline implements net.Conn, keeping the held-reply guard.
func (c *gateConn) SetDeadline(t time.Time) error {
	if c.plain {
		return c.Conn.SetDeadline(t)
	}
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.Conn.SetWriteDeadline(t)
}

// flushHeld sends a reply still held when the connection closes, within
// heldFlushTimeout.
func (c *gateConn) flushHeld() {
	c.hr.mu.Lock()
	held := c.takeHeldLocked()
	c.hr.mu.Unlock()
	if held != nil {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(heldFlushTimeout))
		_ = c.sendHeld(held)
	}
}

// heldBuf returns an empty pooled buffer for a held reply.
func (l *gateListener) heldBuf() *[]byte {
	if b, ok := l.heldBufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, maxHeldReply)
	return &b
}

// putHeldBuf recycles a held-reply buffer.
func (l *gateListener) putHeldBuf(b *[]byte) {
	*b = (*b)[:0]
	l.heldBufs.Put(b)
}
