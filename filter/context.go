package filter

import (
	"time"

	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// DefaultNamespace is the namespace holding the client's request and the
// response sent back to it.
const DefaultNamespace = "DEFAULT"

// namespace is one request/response slot.
type namespace struct {
	name    string
	req     httpprot.Request
	resp    httpprot.Response
	hasResp bool
}

// Context is the state of one request as it passes through a pipeline. It is
// pooled: a traffic gate takes one per request with NewContext/Reset and
// gives it back after the response is written. Nothing reached through a
// Context may be kept after the request ends; copy what a goroutine needs.
type Context struct {
	server     *fasthttp.RequestCtx
	namespaces []namespace
	current    int
	started    time.Time
	values     []valueEntry
	finishers  []Finisher
	tags       []byte
	span       trace.Span                    // the request's current span; nil when not traced (trace.go)
	propagator propagation.TextMapPropagator // trace headers toward upstreams; nil: W3C traceparent (trace.go)
}

// Finisher is called once when the request ends: after the pipeline ran
// and the response is final, before it is written to the client (fasthttp
// writes it when the handler returns). Finishers run in the order they
// were added.
type Finisher interface {
	Finish(ctx *Context)
}

// NewContext returns an empty context, ready for Reset.
func NewContext() *Context {
	c := &Context{namespaces: make([]namespace, 1, 4)}
	c.namespaces[0].name = DefaultNamespace
	return c
}

// Reset prepares the context for a request received by a fasthttp server:
// the DEFAULT namespace carries the server's request, and a response set
// there is the server's own response (no copy).
func (c *Context) Reset(server *fasthttp.RequestCtx, realIP []byte, now time.Time) {
	c.server = server
	c.started = now
	c.current = 0
	c.namespaces = c.namespaces[:1]
	ns := &c.namespaces[0]
	ns.req.Wrap(&server.Request, realIP)
	ns.resp.Wrap(&server.Response)
	ns.hasResp = false
}

// ResetDetached prepares the context for a request that did not come from a
// fasthttp server (tests, background probes): req is carried in DEFAULT and
// responses are pooled.
func (c *Context) ResetDetached(req *fasthttp.Request, realIP []byte, now time.Time) {
	c.server = nil
	c.started = now
	c.current = 0
	c.namespaces = c.namespaces[:1]
	ns := &c.namespaces[0]
	ns.req.Wrap(req, realIP)
	ns.resp.Close()
	ns.hasResp = false
}

// Finish runs the finishers and releases everything the request held. The
// context can then be reused.
func (c *Context) Finish() {
	for i, f := range c.finishers {
		f.Finish(c)
		c.finishers[i] = nil
	}
	c.finishers = c.finishers[:0]
	for i := range c.namespaces {
		ns := &c.namespaces[i]
		ns.req.Close()
		ns.resp.Close()
		ns.hasResp = false
	}
	c.namespaces = c.namespaces[:1]
	for i := range c.values {
		c.values[i] = valueEntry{}
	}
	c.values = c.values[:0]
	c.tags = c.tags[:0]
	c.server = nil
}

// Server returns the fasthttp request context of the request, or nil when
// the request did not come from a fasthttp server. Never keep it.
func (c *Context) Server() *fasthttp.RequestCtx { return c.server }

// Started returns when the request was received.
func (c *Context) Started() time.Time { return c.started }

// Namespace returns the name of the current namespace.
func (c *Context) Namespace() string { return c.namespaces[c.current].name }

// UseNamespace makes name the current namespace, creating it if needed. A
// pipeline calls it before each filter of its flow.
func (c *Context) UseNamespace(name string) {
	if name == "" {
		name = DefaultNamespace
	}
	for i := range c.namespaces {
		if c.namespaces[i].name == name {
			c.current = i
			return
		}
	}
	c.namespaces = append(c.namespaces, namespace{})
	c.current = len(c.namespaces) - 1
	c.namespaces[c.current].name = name
}

// Request returns the request of the current namespace. Check Valid: a
// namespace other than DEFAULT has none until a filter creates it.
func (c *Context) Request() *httpprot.Request { return &c.namespaces[c.current].req }

// NewRequest gives the current namespace a new, empty request (pooled) and
// returns it. In DEFAULT it returns the client request unchanged.
func (c *Context) NewRequest() *httpprot.Request {
	ns := &c.namespaces[c.current]
	if c.current == 0 && ns.req.Valid() {
		return &ns.req
	}
	ns.req.Close()
	ns.req.Acquire()
	return &ns.req
}

// Response returns the response of the current namespace, or nil when no
// filter has produced one yet.
func (c *Context) Response() *httpprot.Response {
	ns := &c.namespaces[c.current]
	if !ns.hasResp {
		return nil
	}
	return &ns.resp
}

// NewResponse gives the current namespace an empty response and returns it,
// replacing what was there. In DEFAULT, when the request came from a
// fasthttp server, that is the server's own response, reset.
func (c *Context) NewResponse() *httpprot.Response {
	ns := &c.namespaces[c.current]
	if c.current == 0 && c.server != nil {
		ns.resp.Wrap(&c.server.Response)
		ns.resp.Reset()
	} else {
		ns.resp.Close()
		ns.resp.Acquire()
	}
	ns.hasResp = true
	return &ns.resp
}

// NamespaceResponse returns the response of the named namespace, or nil.
func (c *Context) NamespaceResponse(name string) *httpprot.Response {
	for i := range c.namespaces {
		if c.namespaces[i].name == name && c.namespaces[i].hasResp {
			return &c.namespaces[i].resp
		}
	}
	return nil
}

// OnFinish adds a finisher, run when the request ends.
func (c *Context) OnFinish(f Finisher) { c.finishers = append(c.finishers, f) }

// AddTag appends a note to the request's tags (the access log's {{Tags}}).
func (c *Context) AddTag(tag string) {
	if len(c.tags) > 0 {
		c.tags = append(c.tags, ", "...)
	}
	c.tags = append(c.tags, tag...)
}

// Tags returns the notes added while handling; valid until Finish.
func (c *Context) Tags() []byte { return c.tags }
