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
// field path, e.g. rules[0].paths[2].pathRegexp. Init starts the inline
// pools (see Inline pools), binds the listener and starts serving.
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
// address; with trustedProxies set, the headers count only when the peer
// is a listed proxy, and X-Forwarded-For is read from the right, skipping
// listed proxies), applies the server IP filter and searches the rules in order
// (vocabulary routing semantics 2 to 8; see Routers below for how a rule's
// paths are searched): 403 for an IP mismatch, else 400
// for a header or query mismatch, else 405 for a method mismatch, else 404;
// 503 when the backend pipeline does not exist. On a match it applies
// setHeaders (variables see the request as received), rewriteTarget (the
// query string is kept) and xForwardedFor (the peer address is appended
// unless listed), enforces the body cap (413; 400 when the body cannot be
// read), runs the pipeline through its supervisor.Ref (or the path's
// inline pool, see Inline pools) and sends the DEFAULT namespace response,
// or 503 when the pipeline produced none. A panic in a filter is answered
// 500.
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
// # Routers
//
// routerKind Ordered (the default) tries a rule's paths in order: the
// first whose path, pathPrefix or pathRegexp matches (no matcher: every
// path) and whose methods, headers, queries and IP filter hold wins.
//
// routerKind RadixTree indexes each rule's paths in a radix tree built
// when the spec is compiled; rules are still tried in order, with the same
// host and IP filter handling. path is required and is a pattern: literal
// text (/a/b), parameters /u/{id} and /u/{id:[0-9]+} (the expression must
// match the whole value), and a '*' at the very end that matches the rest
// of the path, empty included (/files/* matches /files/ but not /files). A
// parameter's value is not empty, stays within a segment and ends at the
// first occurrence of the text that follows it in the pattern, so
// /f/{name}.{ext} splits "a.tar.gz" into "a" and "tar.gz". pathPrefix and
// pathRegexp are load-time errors with RadixTree; so are unbalanced
// braces, bad expressions, '*' before the end and repeated parameter
// names.
//
// At each position the search prefers a literal, then a regexp parameter,
// then a plain parameter, then the wildcard, whatever the declaration
// order, and it backtracks: when a branch yields no winner the next one is
// tried. A candidate pattern wins only if its path's other conditions
// (methods, headers, queries, IP filter) hold; paths sharing a pattern are
// tried in declaration order, and failed conditions give 403, 400 or 405
// exactly as with Ordered. Between parameters at one position, one whose
// value ends inside the segment ({id}.json) is tried before one spanning
// the segment; otherwise declaration order decides. rewriteTarget is a
// template: {name} inserts a parameter's value and {EG_WILDCARD} what '*'
// matched; a bare '*' is rejected. Captured values are kept as offsets
// into the request path in the pooled request state, so matching and
// rewriting allocate nothing and no request bytes outlive the request.
//
// # Route-decision cache
//
// cacheSize > 0 keeps up to that many routing decisions (capped at
// 1048576) in a cache that belongs to the generation and is dropped with
// it. A decision is cached only when the search that made it evaluated no
// rule or path IP filter and no header or query condition, so it depends
// on host, method and path alone and replaying it cannot change which
// route wins; the server IP filter is still checked per request. Winners
// and refusals (404, 405) are cached. The cache is a fixed array of atomic
// slots (direct-mapped, a new entry replaces the one in its slot): a hit
// takes no lock and allocates nothing; a stored miss allocates its entry.
//
// # Inline pools
//
// A path has exactly one of backend (a Pipeline's name) and backendPool,
// an inline Proxy pool: the fields of one pool of the Proxy filter's pools
// (servers, serverTags, loadBalance, timeout, failureCodes, healthCheck,
// memoryCache, setUpstreamHost, serverMaxBodySize, spanName). The server
// finds the Proxy kind in its registry (gateway packages do not import
// filters) and builds, in New, a pipeline named <server>/rules[i].paths[j]
// holding one Proxy filter, backendPool, whose only pool is the path's:
// the Proxy's schema, defaults and checks apply, and errors name the field
// below the path (rules[0].paths[1].backendPool.servers[0].url). filter,
// retryPolicy and circuitBreakerPolicy are refused: a candidate pool and
// resilience policies need a pipeline. The Proxy-level settings take
// their defaults: no mtls (https servers are not verified), no
// compression, no mirror pool; use a pipeline for those.
//
// A request matching the path runs that pipeline exactly as one routed to
// a Pipeline holding just the Proxy: the same statuses (408 timeout, 503
// no server or unreachable, the reply kept for failure codes),
// X-Forwarded-For/-Proto/-Host, hop-by-hop removal, streaming past
// serverMaxBodySize, the global filter around it, the server's metrics,
// spans and access log, plus the pipeline's and the Proxy's own metrics
// and spans. Dispatch is a pointer in the route: no lookup, no allocation.
//
// The pools belong to the server generation: Init and Inherit start them
// before the listener serves the new snapshot, Close closes them after
// the listener, once their in-flight requests are done. Inherit hands each
// new pool the previous generation's pool with the same spec on the same
// route (host and path matchers), else the same spec anywhere, else the
// same route, else the same place in the spec; the Proxy then keeps the
// connection pools and health states of unchanged servers, so an update
// of other routes keeps every upstream connection. If a pool fails to
// start, or the new generation fails later on, the pools it started are
// closed and the previous generation keeps serving with its own. A
// request that loaded the previous snapshot just before the previous
// generation's pools closed is routed again on the current one. The
// status lists each pool under backendPools with its path and the
// Proxy's status (servers, health, requests, connections); health check
// passwords in the stored document are redacted like the Proxy's.
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
// # Tracing
//
// Without a tracing block a server traces with the node's tracer provider
// (the Node document's tracing, or gateway.WithTracerProvider), if any.
// With one, the server builds its own OpenTelemetry SDK provider from it
// when it starts and uses it for its requests instead of the node's: the
// server span, the pipeline's filter spans and the Proxy's client spans all
// come from it. The provider has a parent-based ratio sampler (sampleRate,
// default 1: a request carrying a sampled trace context is always
// recorded), the resource attributes service.name and attributes (or the
// deprecated tags, not both), the spanLimits, and one batcher with the
// batchLimits (milliseconds) per exporter: exporter.otlp (protocol http or
// grpc, endpoint host:port or URL, insecure, compression gzip, headers) and
// exporter.zipkin (endpoint, headers), or the deprecated zipkin block
// (serverURL, whose sampleRate replaces the top-level one; disableReport
// records without exporting; hostport, sameSpan and id128Bit are ignored).
// exporter.jaeger is decoded but refused: OpenTelemetry removed its Jaeger
// exporter, and Jaeger accepts OTLP on ports 4318 (http) and 4317 (grpc).
// Exporter headers and the Jaeger password are secrets, redacted by the
// admin API. The OpenTelemetry Zipkin exporter is itself deprecated
// upstream; prefer OTLP, which Zipkin-compatible backends often accept.
//
// headerFormat trace-context (the default) reads and writes W3C
// traceparent without allocating; b3 reads the single b3 header or the
// X-B3-* headers and sends X-B3-TraceId, X-B3-SpanId and X-B3-Sampled
// upstream (the Proxy follows the server's choice through
// filter.Context.TracePropagator, replacing any B3 header the client sent).
//
// The provider lives as long as its spec: an update that leaves the
// tracing block unchanged (routes only, say) hands it to the new
// generation; a changed block builds a new one, and the generation that
// owned the old one shuts it down when it closes, exporting the spans it
// holds (bounded by a few seconds). Spans of requests that were still
// running on the old generation then may be lost. Closing the server
// shuts its provider down the same way, after in-flight requests finish.
// With tracing off (no block, no node provider) a request pays a nil check.
//
// # Client timeouts
//
// A new or idle connection must start a request within keepAliveTimeout;
// from a request's first byte its header must arrive within
// clientHeaderTimeout (60s), and a streamed body (past its first 8 KiB,
// read with the header) may pause at most clientBodyTimeout (60s) between
// reads. A client that is slower has its connection closed.
//
// # Closing after a refused body
//
// A reply that closes the connection while the request body may be
// unread (413 over the cap, say) does not reset the connection under a
// client still sending: the server shuts its sending side and reads and
// discards what arrives for up to 2 s (8 MiB), then closes. See linger.go.
//
// # Refused fields
//
// http3 and autoCert are accepted for compatibility with Easegress
// documents, but only false: HTTP/3 is not supported by gatewright's
// fasthttp data plane, and gatewright has no AutoCertManager kind (so no
// AutoCertManager object can exist) to take certificates from. true is a
// validation error naming the field.
//
// # Not implemented yet
//
// /.well-known/acme-challenge/ is routed like any other path.
package httpserver
