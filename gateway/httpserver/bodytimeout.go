package httpserver

import (
	"time"

	"github.com/valyala/fasthttp"
)

// slideBodyDeadline makes each read of the request's streamed body wait at
// most d for data, so that a body may take as long as it needs while data
// keeps coming but a client that stops sending releases its connection.
// It returns the connection to pass to endBodyDeadline, or nil when there
// is nothing to do (no streamed body, or not a gate connection).
func slideBodyDeadline(ctx *fasthttp.RequestCtx, d time.Duration) *gateConn {
	if d <= 0 || !ctx.Request.IsBodyStream() {
		return nil
	}
	gc := gateConnOf(ctx)
	if gc == nil {
		return nil
	}
	gc.bodyTimeout.Store(int64(d))
	return gc
}

// endBodyDeadline stops moving the read deadline of gc (nil: no-op).
func endBodyDeadline(gc *gateConn) {
	if gc != nil {
		gc.bodyTimeout.Store(0)
	}
}

// Read reads from the connection; while a streamed body is read, each
// read first moves the read deadline to the body timeout from now. A held
// reply is sent first (heldreply.go).
func (c *gateConn) Read(p []byte) (int, error) {
	if c.plain {
		return c.Conn.Read(p)
	}
	if d := c.bodyTimeout.Load(); d > 0 {
		_ = c.armReadDeadline(time.Now().Add(time.Duration(d)))
	}
	if c.hr.holding {
		return c.readHeld(p)
	}
	return c.readPlain(p)
}

// orDefault returns d, or def when d is 0.
func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
