// Package httpserver provides the HTTPServer object: the traffic gate that
// listens on one port (HTTP or HTTPS, on valyala/fasthttp) and routes every
// request to a Pipeline by host, path, method, headers, query and client IP.
//
// Kind registers itself in registry.Default from init(); embedders that
// build their own registry register Kind there.
//
// # Lifecycle
//
// New compiles the whole spec (rules, regular expressions, CIDRs,
// certificates, cross-field rules) without side effects, so a configuration
// is validated by calling New and dropping the result; errors name the
// field path, e.g. rules[0].paths[2].pathRegexp. Init binds the listener and
// starts serving.
//
// Inherit keeps the previous generation's listener, with its open
// keep-alive connections, when the bind address (address and port) is
// unchanged: it installs the new immutable routing snapshot and TLS
// material, which requests and new connections read through atomic
// pointers, and takes the listener over (the previous generation then owns
// nothing and its Close does nothing). Settings apply in place as well:
// keepAlive and keepAliveTimeout from the next request or idle period,
// maxConnections and the certificates to connections accepted from then on.
// Turning https on or off also keeps the listener: new connections follow
// the new setting, and a request on a connection opened under the old one
// is answered 421 with Connection: close. When the address changes,
// Inherit binds the new listener first; if that fails the error is returned
// and the previous generation keeps serving until the supervisor closes it.
//
// Close shuts the listener down gracefully: no new connections, idle ones
// closed, in-flight requests finish (their connections close after the
// response); connections still open after a bounded grace period are
// closed.
//
// # Request path
//
// Per request the server loads the current snapshot, takes the client's
// real IP (first X-Forwarded-For entry, else X-Real-IP, else the peer
// address), applies the server IP filter and searches the rules in order
// (vocabulary routing semantics 2 to 8): 403 for an IP mismatch, else 400
// for a header or query mismatch, else 405 for a method mismatch, else 404;
// 503 when the backend pipeline does not exist. On a match it applies
// setHeaders (variables see the request as received), rewriteTarget (the
// query string is kept) and xForwardedFor (the peer address is appended
// unless listed), enforces the body cap (413; 400 when the body cannot be
// read), runs the pipeline through its supervisor.Ref and sends the DEFAULT
// namespace response, or 503 when the pipeline produced none. A panic in a
// filter is answered 500.
//
// Bodies are read as streams: a route with a cap (4 MiB by default) reads
// at most cap+1 bytes into memory before the pipeline runs, so filters see
// an ordinary body; a route with clientMaxBodySize -1 hands the stream to
// the pipeline (Request.BodyStream) unread.
//
// maxConnections caps open client connections: further connections wait
// in the kernel's accept queue until one closes.
//
// The steady-state path allocates nothing: request states (filter context
// and scratch buffers) are pooled per server, matching works on bytes and
// the routing table is never locked. Rewriting with pathRegexp and parsing
// an IPv6 client address from a header allocate.
//
// # Global filter
//
// globalFilter names a GlobalFilter object (package gateway/globalfilter)
// whose before and after flows run around the routed pipeline of every
// request, on the same filter context. The name is resolved per request:
// while no GlobalFilter of that name exists (or the name is an object of
// another kind) pipelines run alone, and one created later is picked up
// at once.
//
// # Not implemented yet
//
// The vocabulary fields autoCert, http3, tracing,
// accessLogFormat, cacheSize and backendPool are not part of Spec, so strict
// decoding refuses them as unknown fields; /.well-known/acme-challenge/ is
// routed like any other path. routerKind RadixTree is refused with an error.
package httpserver
