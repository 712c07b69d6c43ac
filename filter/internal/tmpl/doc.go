// Package tmpl runs the templates of the adaptor filters (RequestAdaptor,
// ResponseAdaptor): a Go text/template that yields a YAML (or JSON)
// document, decoded strictly into the filter's template output type.
//
// # Data model
//
// A template executes on a map with these keys (Easegress-compatible
// where Easegress has the same thing):
//
//	.namespace               the current namespace name, e.g. "DEFAULT"
//	.request                 the current namespace's request (a *Request), or nil
//	.response                the current namespace's response (a *Response), or nil
//	.requests.<namespace>    the same request, keyed by namespace name
//	.responses.<namespace>   the current namespace's response and, when
//	                         present, DEFAULT's, keyed by namespace name
//	.data.PIPELINE.<key>     the pipeline's static data (empty until the
//	                         filter contract hands it to filters)
//
// A *Request has fields Method, Scheme, Host, Path (decoded), Query (raw,
// without "?"), URL (a *url.URL: .URL.Path, .URL.RawQuery, .URL.Query),
// Header (an http.Header: .Header.Get "X-Id"), Body (string), RealIP, and
// the method JSONBody, which parses the body as JSON. A *Response has
// StatusCode, Header, Body and JSONBody. The views are copies taken when
// the template runs, so a template never touches the live request.
//
// For example, in the DEFAULT namespace:
//
//	header:
//	  set:
//	    X-Path: {{ .requests.DEFAULT.Path | quote }}
//	body: {{ .request.Body | upper | quote }}
//
// # Functions
//
// Besides text/template's built-ins, templates have a small set of
// helpers with sprig's names and argument order (sprig itself is not
// bundled): default, upper, lower, trim, trimPrefix, trimSuffix, replace,
// contains, hasPrefix, hasSuffix, quote, toJson, b64enc, b64dec. quote
// and toJson produce JSON text, which is also valid YAML: use them to put
// arbitrary strings into the output safely.
package tmpl
