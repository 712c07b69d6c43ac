package websocketproxy

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/valyala/fasthttp"
)

// KindName is the kind of the WebSocketProxy filter in specs.
const KindName = "WebSocketProxy"

// Results of the WebSocketProxy filter.
const (
	// ResultInternalError: no healthy server (503), or the request did not
	// come from an HTTP server that can hand its connection over (500).
	ResultInternalError = "internalError"
	// ResultClientError: the request is not an acceptable WebSocket
	// handshake (400, 405, 426) or its Origin is not allowed (403).
	ResultClientError = "clientError"
	// ResultServerError: the upstream could not be reached (503) or
	// refused the handshake (its status is passed on). Returned but not
	// declared, as in Easegress: it ends the pipeline.
	ResultServerError = "serverError"
)

// dialTimeout bounds the upstream handshake.
const dialTimeout = 10 * time.Second

func init() {
	filter.Register(Kind)
}

// Kind is the WebSocketProxy filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Proxies WebSocket connections to upstream pools, streaming messages both ways.",
	Results:     []string{ResultInternalError, ResultClientError, ResultServerError},
	DefaultSpec: func() any { return &Spec{} },
	New:         New,
}

// WebSocketProxy is the WebSocketProxy filter.
type WebSocketProxy struct {
	filter.Base
	spec *Spec

	main       *pool
	candidates []*pool
	all        []*pool

	dialer   *websocket.Dialer
	upgrader *websocket.FastHTTPUpgrader
	sessions *sessionSet

	handedOver atomic.Bool
	closed     atomic.Bool
}

// New creates a WebSocketProxy from its spec (spec.Body is a *Spec). It
// starts nothing: Init or Inherit do.
func New(spec *filter.Spec) filter.Filter {
	body, _ := spec.Body.(*Spec)
	return &WebSocketProxy{Base: filter.NewBase(spec), spec: body}
}

// Init builds the pools and starts the health checks.
func (w *WebSocketProxy) Init() error { return w.start(nil) }

// Inherit builds the pools, seeding the health of known servers from
// previous, and takes over the live sessions, so that a configuration
// update does not cut them.
func (w *WebSocketProxy) Inherit(previous filter.Filter) error {
	prev, _ := previous.(*WebSocketProxy)
	return w.start(prev)
}

// start builds the generation.
func (w *WebSocketProxy) start(prev *WebSocketProxy) error {
	if w.spec == nil {
		return errors.New("websocketproxy: the spec is not a *websocketproxy.Spec")
	}
	if err := w.spec.Validate(); err != nil {
		return err
	}
	prevHealth := map[string]bool{}
	if prev != nil {
		for _, p := range prev.all {
			for _, s := range p.servers {
				prevHealth[s.spec.URL] = s.healthy.Load()
			}
		}
	}
	var built []*pool
	for i, ps := range w.spec.Pools {
		name := "pools[" + strconv.Itoa(i) + "]"
		p, err := newPool(name, ps, prevHealth)
		if err != nil {
			for _, b := range built {
				if b.checker != nil {
					b.checker.closeProbes()
				}
			}
			return adapt.At(name, err)
		}
		built = append(built, p)
		if p.matcher == nil {
			w.main = p
		} else {
			w.candidates = append(w.candidates, p)
		}
	}
	w.all = built
	w.dialer = &websocket.Dialer{
		HandshakeTimeout: dialTimeout,
		TLSClientConfig:  &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, // #nosec G402 -- as the Proxy without mtls
	}
	w.upgrader = &websocket.FastHTTPUpgrader{
		// The Origin was checked before the upstream was dialed.
		CheckOrigin: func(*fasthttp.RequestCtx) bool { return true },
	}
	if prev != nil {
		w.sessions = prev.sessions
		prev.handedOver.Store(true)
	} else {
		w.sessions = newSessionSet()
	}
	for _, p := range built {
		if p.checker != nil {
			p.checker.start()
		}
	}
	return nil
}

// Handle proxies one WebSocket handshake: it checks it, dials a server of
// the first matching pool, and on success answers 101 and hands the
// client connection to a session that streams messages both ways.
func (w *WebSocketProxy) Handle(ctx *filter.Context) string {
	server := ctx.Server()
	req := ctx.Request()
	if server == nil || !req.Valid() || req.Request != &server.Request {
		reply(ctx, fasthttp.StatusInternalServerError, "WebSocket connections are proxied only for requests received by an HTTP server")
		return ResultInternalError
	}
	target := w.main
	for _, c := range w.candidates {
		if c.matcher.Match(req) {
			target = c
			break
		}
	}
	if herr := checkHandshake(req, target); herr != nil {
		reply(ctx, herr.status, herr.reason)
		return ResultClientError
	}
	srv := target.pick(req)
	if srv == nil {
		reply(ctx, fasthttp.StatusServiceUnavailable, "no healthy WebSocket server")
		return ResultInternalError
	}
	peer, _ := netip.AddrFromSlice(server.RemoteIP())
	header := upstreamHeader(req, srv, peer, server.IsTLS())
	uri := string(req.URI().RequestURI())
	dctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	upstream, resp, err := w.dialer.DialContext(dctx, srv.url.dial+uri, header)
	cancel()
	if err != nil {
		srv.failures.Add(1)
		if resp != nil {
			out := ctx.NewResponse()
			out.SetStatusCode(resp.StatusCode)
			if ct := resp.Header.Get("Content-Type"); ct != "" {
				out.Header.SetContentType(ct)
			}
			if resp.Body != nil {
				body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
				out.SetBody(body)
			}
			return ResultServerError
		}
		reply(ctx, fasthttp.StatusServiceUnavailable, "the WebSocket server could not be reached")
		return ResultServerError
	}
	srv.sessions.Add(1)
	sess := &session{set: w.sessions, srv: srv, pool: target, upstream: upstream}
	if !w.sessions.add(sess) {
		_ = upstream.Close()
		reply(ctx, fasthttp.StatusServiceUnavailable, "the WebSocket proxy is shutting down")
		return ResultInternalError
	}
	sess.timer = time.AfterFunc(hijackTimeout, sess.abandon)
	out := ctx.NewResponse()
	if proto := upstream.Subprotocol(); proto != "" {
		out.Header.Set("Sec-WebSocket-Protocol", proto)
	}
	// Cookies the server set in its handshake reply reach the client, so
	// that an application session (and ApplicationBased stickiness) works.
	for _, c := range resp.Header.Values("Set-Cookie") {
		out.Header.Add("Set-Cookie", c)
	}
	if target.sticky != nil {
		target.sticky.Replied(srv, &out.Header)
	}
	if err := w.upgrader.Upgrade(server, sess.run); err != nil {
		sess.timer.Stop()
		sess.abandon()
		return ResultClientError
	}
	return ""
}

// reply answers with a status and a plain text reason.
func reply(ctx *filter.Context, status int, reason string) {
	resp := ctx.NewResponse()
	resp.SetStatusCode(status)
	resp.Header.SetContentType("text/plain; charset=utf-8")
	resp.SetBodyString(reason + "\n")
}

// Close stops the health checks. Unless a newer generation took the
// sessions over, it closes them, telling both ends the gateway is going
// away.
func (w *WebSocketProxy) Close() error {
	if !w.closed.CompareAndSwap(false, true) {
		return nil
	}
	for _, p := range w.all {
		if p.checker != nil {
			p.checker.close()
		}
	}
	if w.sessions != nil && !w.handedOver.Load() {
		w.sessions.closeAll()
	}
	return nil
}
