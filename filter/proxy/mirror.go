package proxy

import (
	"time"

	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// mirrorTimeout bounds a mirror request when the mirror pool has no
// timeout.
const mirrorTimeout = 30 * time.Second

// sendMirror sends a copy of req to the mirror pool in the background. The
// copy is taken now, since the request belongs to the server and must not
// be touched after the handler returns. The goroutine holds a reference to
// the server's upstream, so closing the generation never pulls the
// connection pool from under it. Requests with a streamed body, and copies
// beyond maxMirrorsInFlight, are not mirrored.
func (p *Proxy) sendMirror(req *httpprot.Request) {
	if req.IsBodyStream() {
		p.mirrorsDropped.Add(1)
		return
	}
	srv := p.mirror.lb.pick(req)
	if srv == nil {
		p.mirrorsDropped.Add(1)
		return
	}
	select {
	case p.mirrorSem <- struct{}{}:
	default:
		p.mirrorsDropped.Add(1)
		return
	}
	if !srv.up.acquire() {
		<-p.mirrorSem
		p.mirrorsDropped.Add(1)
		return
	}
	copied := fasthttp.AcquireRequest()
	req.CopyTo(copied)
	go p.runMirror(srv, copied)
}

// runMirror sends a mirror copy and drops the reply.
func (p *Proxy) runMirror(srv *server, req *fasthttp.Request) {
	resp := fasthttp.AcquireResponse()
	defer func() {
		fasthttp.ReleaseResponse(resp)
		fasthttp.ReleaseRequest(req)
		srv.up.release()
		<-p.mirrorSem
	}()
	srv.prepare(req)
	timeout := p.mirror.timeout
	if timeout <= 0 {
		timeout = mirrorTimeout
	}
	_ = srv.do(req, resp, timeout)
}
