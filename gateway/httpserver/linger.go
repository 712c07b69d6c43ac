package httpserver

import (
	"io"
	"time"

	"github.com/valyala/fasthttp"
)

// A server that answers before reading the whole request body (413 over
// the body cap, say) and then closes the connection must not close it
// outright: closing a socket with unread data makes the kernel send a
// reset, and a reset reaching the client while it is still sending
// destroys the reply it has not read yet, so the client sees "connection
// reset" instead of the 413. Such a connection lingers instead: its
// sending side is shut (the client sees the reply, then the end of the
// stream), and what the client still sends is read and thrown away until
// it closes too, for at most lingerTimeout and lingerMaxBytes.
const (
	lingerTimeout  = 2 * time.Second
	lingerMaxBytes = 8 << 20
)

// lingerOnClose marks the request's connection to linger when it closes,
// if the reply closes it and the request had a body that may be unread.
func lingerOnClose(ctx *fasthttp.RequestCtx) {
	if !ctx.Response.ConnectionClose() || ctx.Request.Header.ContentLength() == 0 {
		return
	}
	if gc := gateConnOf(ctx); gc != nil {
		gc.linger.Store(true)
	}
}

// gateConnOf returns the accepted connection under the request (below
// TLS), or nil when the request did not come through a gateListener.
func gateConnOf(ctx *fasthttp.RequestCtx) *gateConn {
	return asGateConn(ctx.Conn())
}

// drainAndClose reads and discards what the client still sends, then
// closes the connection and frees its slot.
func (c *gateConn) drainAndClose() {
	if c.Conn.SetReadDeadline(time.Now().Add(lingerTimeout)) == nil {
		_, _ = io.CopyN(io.Discard, c.Conn, lingerMaxBytes)
	}
	_ = c.Conn.Close()
	c.l.forget(c)
}
