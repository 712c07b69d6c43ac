package tmpl

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// Request is the template view of a request: a copy, safe to keep.
type Request struct {
	// Method is the request method.
	Method string
	// Scheme is http or https.
	Scheme string
	// Host is the request host.
	Host string
	// Path is the decoded, normalised path.
	Path string
	// Query is the raw query string, without "?".
	Query string
	// URL holds scheme, host, path and raw query.
	URL *url.URL
	// Header holds every request header field.
	Header http.Header
	// Body is the request body.
	Body string
	// RealIP is the client address.
	RealIP string
}

// JSONBody parses Body as JSON.
func (r *Request) JSONBody() (any, error) { return parseJSON(r.Body) }

// Response is the template view of a response: a copy, safe to keep.
type Response struct {
	// StatusCode is the response status.
	StatusCode int
	// Header holds every response header field.
	Header http.Header
	// Body is the response body.
	Body string
}

// JSONBody parses Body as JSON.
func (r *Response) JSONBody() (any, error) { return parseJSON(r.Body) }

func parseJSON(s string) (any, error) {
	var v any
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

// NewData builds the data a template runs on from ctx (see the package
// documentation). pipelineData is the pipeline's static data, or nil.
func NewData(ctx *filter.Context, pipelineData map[string]any) map[string]any {
	ns := ctx.Namespace()
	requests := map[string]any{}
	responses := map[string]any{}
	var req *Request
	var resp *Response
	if r := ctx.Request(); r.Valid() {
		req = requestView(r.Request, r.RealIP())
		requests[ns] = req
	}
	if r := ctx.Response(); r != nil && r.Valid() {
		resp = responseView(r.Response)
		responses[ns] = resp
	}
	if ns != filter.DefaultNamespace {
		if r := ctx.NamespaceResponse(filter.DefaultNamespace); r != nil && r.Valid() {
			responses[filter.DefaultNamespace] = responseView(r.Response)
		}
	}
	if pipelineData == nil {
		pipelineData = map[string]any{}
	}
	return map[string]any{
		"namespace": ns,
		"request":   req,
		"response":  resp,
		"requests":  requests,
		"responses": responses,
		"data":      map[string]any{"PIPELINE": pipelineData},
	}
}

func requestView(r *fasthttp.Request, realIP string) *Request {
	uri := r.URI()
	v := &Request{
		Method: string(r.Header.Method()),
		Scheme: string(uri.Scheme()),
		Host:   string(r.Host()),
		Path:   string(uri.Path()),
		Query:  string(uri.QueryString()),
		Header: http.Header{},
		Body:   string(r.Body()),
		RealIP: realIP,
	}
	v.URL = &url.URL{Scheme: v.Scheme, Host: v.Host, Path: v.Path, RawQuery: v.Query}
	for k, val := range r.Header.All() {
		v.Header.Add(string(k), string(val))
	}
	return v
}

func responseView(r *fasthttp.Response) *Response {
	v := &Response{
		StatusCode: r.StatusCode(),
		Header:     http.Header{},
		Body:       string(r.Body()),
	}
	for k, val := range r.Header.All() {
		v.Header.Add(string(k), string(val))
	}
	return v
}
