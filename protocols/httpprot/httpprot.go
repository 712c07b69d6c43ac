// Package httpprot carries HTTP requests and responses on
// github.com/valyala/fasthttp.
//
// A Request or Response embeds the fasthttp value, so filters read and write
// headers and bodies as bytes with fasthttp's own methods. Values taken from a
// fasthttp.RequestCtx must not be kept past the handler that received them:
// copy what a goroutine needs before starting it.
package httpprot

import (
	"github.com/gatewright/gatewright/protocols"
	"github.com/valyala/fasthttp"
)

// Request is an HTTP request in a pipeline namespace.
type Request struct {
	*fasthttp.Request
	realIP []byte
	owned  bool
}

// Response is an HTTP response in a pipeline namespace.
type Response struct {
	*fasthttp.Response
	owned bool
}

var (
	_ protocols.Request  = (*Request)(nil)
	_ protocols.Response = (*Response)(nil)
)

// Wrap makes r the carried request without copying it; the caller keeps
// ownership (the server's request stays owned by fasthttp).
func (r *Request) Wrap(req *fasthttp.Request, realIP []byte) {
	r.Request = req
	r.realIP = append(r.realIP[:0], realIP...)
	r.owned = false
}

// Acquire makes r carry a new, empty pooled request that Close releases.
func (r *Request) Acquire() {
	r.Request = fasthttp.AcquireRequest()
	r.realIP = r.realIP[:0]
	r.owned = true
}

// Headers returns the header as a protocols.Header.
func (r *Request) Headers() protocols.Header { return (*requestHeader)(&r.Request.Header) }

// RealIP returns the client IP recorded when the request was wrapped.
func (r *Request) RealIP() string { return string(r.realIP) }

// RealIPBytes returns the client IP without allocating; the bytes are valid
// until the request is closed.
func (r *Request) RealIPBytes() []byte { return r.realIP }

// SetRealIP records the client IP.
func (r *Request) SetRealIP(ip []byte) { r.realIP = append(r.realIP[:0], ip...) }

// Valid reports whether r carries a request.
func (r *Request) Valid() bool { return r.Request != nil }

// Close releases a pooled request and forgets the carried one.
func (r *Request) Close() {
	if r.owned && r.Request != nil {
		fasthttp.ReleaseRequest(r.Request)
	}
	r.Request = nil
	r.owned = false
	r.realIP = r.realIP[:0]
}

// Wrap makes r the carried response without copying it.
func (r *Response) Wrap(resp *fasthttp.Response) {
	r.Response = resp
	r.owned = false
}

// Acquire makes r carry a new, empty pooled response that Close releases.
func (r *Response) Acquire() {
	r.Response = fasthttp.AcquireResponse()
	r.owned = true
}

// Headers returns the header as a protocols.Header.
func (r *Response) Headers() protocols.Header { return (*responseHeader)(&r.Response.Header) }

// Valid reports whether r carries a response.
func (r *Response) Valid() bool { return r.Response != nil }

// Close releases a pooled response and forgets the carried one.
func (r *Response) Close() {
	if r.owned && r.Response != nil {
		fasthttp.ReleaseResponse(r.Response)
	}
	r.Response = nil
	r.owned = false
}

type requestHeader fasthttp.RequestHeader

func (h *requestHeader) Get(k string) string {
	return string((*fasthttp.RequestHeader)(h).Peek(k))
}
func (h *requestHeader) Set(k, v string) { (*fasthttp.RequestHeader)(h).Set(k, v) }
func (h *requestHeader) Add(k, v string) { (*fasthttp.RequestHeader)(h).Add(k, v) }
func (h *requestHeader) Del(k string)    { (*fasthttp.RequestHeader)(h).Del(k) }

type responseHeader fasthttp.ResponseHeader

func (h *responseHeader) Get(k string) string {
	return string((*fasthttp.ResponseHeader)(h).Peek(k))
}
func (h *responseHeader) Set(k, v string) { (*fasthttp.ResponseHeader)(h).Set(k, v) }
func (h *responseHeader) Add(k, v string) { (*fasthttp.ResponseHeader)(h).Add(k, v) }
func (h *responseHeader) Del(k string)    { (*fasthttp.ResponseHeader)(h).Del(k) }
