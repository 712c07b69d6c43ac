package remotefilter

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/valyala/fasthttp"
)

// decodeReply decodes and checks a reply body completely, so that applying
// it cannot fail half way.
func decodeReply(body []byte) (*wireContext, error) {
	var doc wireContext
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("reply is not the JSON context: %w", err)
	}
	r := doc.Request
	if r == nil {
		return nil, errors.New("reply has no request")
	}
	if !adapt.ValidHeaderName(r.Method) {
		return nil, fmt.Errorf("reply request method %q is not an HTTP token", r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") || !validURIPart(r.Path) {
		return nil, fmt.Errorf("reply request path %q must start with / and hold no control character, space or #", r.Path)
	}
	if !validURIPart(r.Query) {
		return nil, fmt.Errorf("reply request query %q holds a control character, space or #", r.Query)
	}
	if err := checkHeader(r.Header); err != nil {
		return nil, fmt.Errorf("reply request header: %w", err)
	}
	if w := doc.Response; w != nil {
		if w.StatusCode < 200 || w.StatusCode > 599 {
			return nil, fmt.Errorf("reply response status %d is not within 200-599", w.StatusCode)
		}
		if err := checkHeader(w.Header); err != nil {
			return nil, fmt.Errorf("reply response header: %w", err)
		}
	}
	return &doc, nil
}

// validURIPart reports whether s can go into a request line as a path or
// a query: no control character, space or #.
func validURIPart(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '#' {
			return false
		}
	}
	return true
}

// checkHeader checks header names and values.
func checkHeader(h map[string][]string) error {
	for name, values := range h {
		if !adapt.ValidHeaderName(name) {
			return fmt.Errorf("%s is not a valid header name", strconv.Quote(name))
		}
		for _, v := range values {
			if !adapt.ValidHeaderValue(v) {
				return fmt.Errorf("value of %s holds CR, LF or NUL", name)
			}
		}
	}
	return nil
}

// framing reports headers the gateway computes itself and never takes
// from a reply.
func framing(name string) bool {
	return strings.EqualFold(name, fasthttp.HeaderHost) ||
		strings.EqualFold(name, fasthttp.HeaderContentLength) ||
		strings.EqualFold(name, fasthttp.HeaderTransferEncoding)
}

// apply applies a reply checked by decodeReply to the current namespace.
func apply(ctx *filter.Context, doc *wireContext) {
	req := ctx.Request()
	r := doc.Request
	var names []string
	for k := range req.Header.All() {
		if !strings.EqualFold(string(k), fasthttp.HeaderHost) {
			names = append(names, string(k))
		}
	}
	for _, k := range names {
		req.Header.Del(k)
	}
	for name, values := range r.Header {
		if framing(name) {
			continue
		}
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	req.Header.SetMethod(r.Method)
	uri := req.URI()
	uri.SetPath(r.Path)
	uri.SetQueryString(r.Query)
	req.SetBody(r.Body)

	w := doc.Response
	if w == nil {
		return
	}
	resp := ctx.NewResponse()
	resp.SetStatusCode(w.StatusCode)
	for name, values := range w.Header {
		if framing(name) {
			continue
		}
		for _, v := range values {
			resp.Header.Add(name, v)
		}
	}
	resp.SetBody(w.Body)
}
