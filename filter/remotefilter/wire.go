package remotefilter

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// Limits of the protocol, those of Easegress.
const (
	// MaxBodyBytes bounds each body sent to the service; a larger one is
	// not sent and the filter fails.
	MaxBodyBytes = 64 << 10
	// MaxReplyBytes bounds the service's reply body; a larger one fails.
	MaxReplyBytes = 3 * MaxBodyBytes
)

// wireContext is the JSON document exchanged with the service, in both
// directions (Easegress's contextEntity).
type wireContext struct {
	Request  *wireRequest  `json:"request"`
	Response *wireResponse `json:"response"`
}

// wireRequest is a request (Easegress's requestEntity).
type wireRequest struct {
	RealIP   string      `json:"realIP"`
	Method   string      `json:"method"`
	Scheme   string      `json:"scheme"`
	Host     string      `json:"host"`
	Path     string      `json:"path"`
	Query    string      `json:"query"`
	Fragment string      `json:"fragment"`
	Proto    string      `json:"proto"`
	Header   http.Header `json:"header"`
	Body     []byte      `json:"body"`
}

// wireResponse is a response (Easegress's responseEntity).
type wireResponse struct {
	StatusCode int         `json:"statusCode"`
	Header     http.Header `json:"header"`
	Body       []byte      `json:"body"`
}

// Reasons a call is not made.
var (
	errStreamedBody = errors.New("a streamed body cannot be sent")
	errRequestBody  = errors.New("request body larger than 64 KiB")
	errResponseBody = errors.New("response body larger than 64 KiB")
)

// encodeContext writes the JSON document of the current namespace into
// buf, or fails without writing when a body cannot be sent.
func encodeContext(ctx *filter.Context, buf *bytes.Buffer) error {
	req := ctx.Request()
	if req.IsBodyStream() {
		return errStreamedBody
	}
	if len(req.Body()) > MaxBodyBytes {
		return errRequestBody
	}
	uri := req.URI()
	doc := wireContext{
		Request: &wireRequest{
			RealIP:   req.RealIP(),
			Method:   string(req.Header.Method()),
			Scheme:   string(uri.Scheme()),
			Host:     string(req.Host()),
			Path:     string(uri.Path()),
			Query:    string(uri.QueryString()),
			Fragment: string(uri.Hash()),
			Proto:    string(req.Header.Protocol()),
			Header:   requestHeader(&req.Header),
			Body:     nonEmpty(req.Body()),
		},
		Response: &wireResponse{StatusCode: fasthttp.StatusOK, Header: http.Header{}},
	}
	if resp := ctx.Response(); resp != nil {
		if resp.IsBodyStream() {
			return errStreamedBody
		}
		if len(resp.Body()) > MaxBodyBytes {
			return errResponseBody
		}
		doc.Response.StatusCode = resp.StatusCode()
		doc.Response.Header = responseHeader(&resp.Header)
		doc.Response.Body = nonEmpty(resp.Body())
	}
	return json.NewEncoder(buf).Encode(&doc)
}

// requestHeader copies a request's headers but Host.
func requestHeader(h *fasthttp.RequestHeader) http.Header {
	out := http.Header{}
	for k, v := range h.All() {
		name := http.CanonicalHeaderKey(string(k))
		if name != fasthttp.HeaderHost {
			out[name] = append(out[name], string(v))
		}
	}
	return out
}

// responseHeader copies a response's headers.
func responseHeader(h *fasthttp.ResponseHeader) http.Header {
	out := http.Header{}
	for k, v := range h.All() {
		name := http.CanonicalHeaderKey(string(k))
		out[name] = append(out[name], string(v))
	}
	return out
}

// nonEmpty returns b, or nil when it is empty so that it encodes as null.
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// Reasons a reply is refused, and a namespace without request.
var (
	errReplyTooLarge = errors.New("reply larger than 192 KiB")
	errNoRequest     = errors.New("the namespace has no request")
)
