// Package remotefilter provides the RemoteFilter filter: it delegates a
// step of the pipeline to an HTTP service.
//
//	{name: policy-hook, kind: RemoteFilter, url: "http://127.0.0.1:7400/decide", timeout: 300ms}
//
// For every request the filter POSTs (Content-Type: application/json) the
// current namespace's request and response to url:
//
//	{"request":  {"realIP": "", "method": "", "scheme": "", "host": "", "path": "",
//	              "query": "", "fragment": "", "proto": "", "header": {}, "body": ""},
//	 "response": {"statusCode": 200, "header": {}, "body": ""}}
//
// The field names, and their encodings, are those of Easegress's
// pkg/filters/remotefilter (its contextEntity, requestEntity and
// responseEntity types): header is a Go http.Header, a JSON object of
// canonical header name to an array of values, with object keys sorted;
// body is base64 (standard alphabet, padded) and null when empty; path is
// the decoded path and query the raw query string. The Host header is not
// in header: it is the host field. With no response yet the filter sends
// what Easegress sends, {"statusCode": 200, "header": {}, "body": null}.
//
// A reply with a 2xx status and a body of the same shape (at most
// MaxReplyBytes) is applied to the request: method, path, query, header
// and body are replaced (a null or missing body empties it, a missing
// header removes every header). Host is kept, and Host, Content-Length
// and Transfer-Encoding in the reply are ignored: framing is the
// gateway's. When the reply holds a non-null response, it replaces the
// namespace's response: status, headers and body (Easegress adds the
// headers to the old response's instead). Unknown JSON fields are
// ignored, as Easegress does.
//
// A 205 reply returns "responseAlready" after applying its body, if it has
// one; an empty 205 changes nothing. If no response exists then, an empty
// 200 response is created, as Easegress's always exists.
//
// Everything else returns "failed" with a fresh 503 response and the
// request unchanged: the service cannot be reached or passes the timeout,
// its status is not 2xx, the reply is larger than MaxReplyBytes, is not
// JSON of that shape, has no request, bad base64, an invalid method, a
// path not starting with "/", a query or path holding control characters,
// a space or "#", a header name that is not an HTTP token, a header value
// with CR, LF or NUL, or a response status outside 200-599. The reply is
// checked completely before anything is applied, so it is never half
// applied. The reason goes to the filter's log and to the request's tags
// ("remoteFilterErr: ..."), as in Easegress.
//
// Limits: a request or response body larger than MaxBodyBytes, or a
// streamed body, is not sent at all: the filter returns "failed" without
// calling the service (Easegress also fails then). Without a timeout the
// call is bounded by DefaultTimeout (Easegress has no bound). The
// service's certificate is verified for https (Easegress skips the check).
//
// The filter keeps one fasthttp.HostClient for url; an update that keeps
// url and timeout keeps it, with its idle connections and counters.
package remotefilter
