// Package proxy provides the Proxy filter: it sends the request of its
// namespace to an upstream server and makes the reply the namespace
// response.
//
// # Pools
//
// A Proxy has one main pool (the pool without filter) and any number of
// candidate pools, each with a request matcher (header and URL conditions,
// or a permil share by client IP hash, header hash or chance); a request
// goes to the first candidate that matches, else to the main pool. A mirror
// pool receives a copy of the requests its matcher takes, in the
// background, and its replies are dropped. Within a pool a load balancing
// policy (roundRobin, random, weightedRandom, ipHash, headerHash,
// cookieHash) chooses a healthy server.
//
// # Data plane
//
// The upstream request is the namespace request itself, edited in place:
// hop-by-hop headers are removed, X-Forwarded-For gets the client address
// appended and X-Forwarded-Proto and X-Forwarded-Host are set, and Host is
// the client's for a server given by IP address, the server's for one given
// by hostname (keepHost forces the client's; setUpstreamHost sends the
// server's for IP URLs too). The reply is read into the namespace response
// (for DEFAULT that is the server's own response), so nothing is copied.
// Each server has one fasthttp.HostClient; a round-robin request over a
// kept-alive connection allocates nothing in this package (see
// TestProxyDoesNotAllocate and BenchmarkProxy).
//
// Reply bodies up to serverMaxBodySize (4 MiB by default) are buffered;
// longer ones, and all of them with -1, are streamed from the upstream
// connection to the client while the reply is written. Pool timeouts bound
// each attempt with HostClient.DoTimeout, body included; an attempt that
// follows redirects shares one timeout among its requests.
//
// # Results
//
// internalError (no healthy server, 503; reply body unreadable, 500),
// clientError (client gone while its streamed body was forwarded, 499),
// serverError (upstream unreachable or broken exchange, 503), timeout (the
// pool's timeout passed, 408), failureCode (the upstream status is in the
// pool's failureCodes, 500-599 by default; the reply is kept) and
// shortCircuited (the pool's circuit breaker is open, 503).
//
// # Updates
//
// When a new generation of the filter replaces an old one (Inherit), the
// HostClients and health states of servers whose URL and settings did not
// change are taken over: they are shared with reference counting, and the
// generation that closes last releases them. Health probes run in one
// goroutine per pool; a shared server is probed by the newest generation
// only. A pool's memoryCache is taken over the same way, entries and their
// expiries included, when the pool kept what its replies depend on (see
// Response cache).
//
// # Resilience
//
// A pool's retryPolicy and circuitBreakerPolicy name Retry and
// CircuitBreaker policies of the pipeline's resilience list (packages
// filter/policy/retry and filter/policy/circuitbreaker). The breaker wraps
// the whole retry loop: one request is one breaker call, whatever the
// tries. A try fails when the pool would return a result other than
// clientError: the upstream could not be reached, the timeout passed
// (timeout bounds each try), no server was healthy, or the status is a
// failure code. Each try picks its server anew. An open breaker answers
// 503 with shortCircuited without reaching any server. Only idempotent
// methods are retried unless the policy's retryNonIdempotent is set; a
// streamed request body is buffered for replay up to the policy's
// maxReplayBodySize (1 MiB by default) and otherwise sent once. With a
// retry policy and a circuit breaker, a request that succeeds on its first
// try still allocates nothing in this package (TestResilienceDoesNotAllocate).
// A new generation keeps the breaker of a pool of the same name whose
// policy settings did not change.
//
// # Redirects
//
// maxRedirection (0 by default: a 3xx goes to the client) makes a try
// follow upstream redirects, 301, 302, 303, 307 and 308 with a Location,
// up to that many (at most 20). Only redirects within the pool are
// followed: a relative Location, or an absolute one whose scheme, host and
// port are those of a server of the pool, which then gets the request. A
// redirect to any other host is returned to the client. This differs from
// Easegress on purpose: its net/http client follows redirects to any host,
// sending the client's headers along (net/http drops Authorization and
// Cookie on a hop to another domain, but not API keys in other headers),
// and the gateway would fetch whatever address an upstream names.
//
// 301, 302 and 303 turn methods other than GET and HEAD into GET and drop
// the body and the headers describing it (Content-Type, Content-Encoding,
// Content-Language, Content-Location), as net/http and browsers do; 307
// and 308 resend method and body. A streamed request body went with the
// first request and cannot be resent: its 307 or 308 is returned, unless
// the pool's retry policy buffered the body for replay (maxReplayBodySize).
// The chain also stops, returning the 3xx, at a loop (a request with the
// same method, server and target as one already sent in the try; a POST
// answered 303 to its own URL is not one), at a 3xx that sets a cookie
// (the client must get it), and when maxRedirection is reached; Easegress
// answers that last case with serverError (503).
//
// The redirected request is a copy of the client request with the
// Location's path and query, and the Host chosen as for any request to its
// server (unchanged when the server is the same); the client request
// stays as it was. Each request is an upstream call of its server: counted
// in its requests, errors and latency, and traced with a client span (the
// redirected ones carry http.request.resend_count). The pool timeout
// bounds the whole try, every request of the chain included. A try is the
// whole chain for the resilience policies: a retry starts again from the
// client's URL, and the circuit breaker sees one call per client request
// (its duration spanning the chain). The memoryCache does not store a
// reply reached through a redirect under the client's URL, since the
// redirect may be temporary; an unfollowed 3xx is cached like any reply.
// The mirror pool does not follow redirects. The pool status counts the
// redirects followed (redirects) and returned (redirectsReturned). A try
// that is not redirected allocates nothing more
// (TestRedirectFollowingDoesNotAllocate).
//
// # Response cache
//
// A pool's memoryCache keeps replies in memory, keyed by method, scheme,
// host, path and query: replies with a status in codes to requests with a
// method in methods, buffered bodies up to maxEntryBytes, for expiration
// (or a shorter Cache-Control max-age / s-maxage). Replies with
// Cache-Control no-store, no-cache or private, Set-Cookie or Vary, and
// requests with Authorization or Cache-Control no-store are not stored;
// requests with Cache-Control no-cache or no-store are not answered from
// the cache. All entries together are bounded by maxTotalBytes (64 MiB by
// default); storing past it evicts the least recently used. A hit answers
// with the stored reply and an Age header, allocating nothing.
//
// The cache survives configuration updates that leave the pool unchanged,
// so that reloading an unrelated edit does not send every cached request
// to the upstreams at once. A new generation's pool takes over the cache
// of the previous generation's pool with the same name (pools[i]) when its
// memoryCache spec (expiration, maxEntryBytes, maxTotalBytes, codes and
// methods, as sets), its servers (URL and whether the client's Host is
// sent: keepHost, setUpstreamHost), its failureCodes and the Proxy's
// maxRedirection and mtls are unchanged; any other change (load
// balancing, timeouts, health checks, policies, filters, other pools,
// buffering, compression, idle connections) keeps it. Otherwise the pool
// starts with an empty cache. The entries keep their expiries and the
// counters carry on. Both generations use the shared cache while the old
// one drains; it is reference counted like the connection pools, and only
// the last generation holding it empties it when it closes.
//
// # Sticky sessions and cookieHash
//
// loadBalance.stickySession keeps a client on one server:
// CookieConsistentHash hashes the application cookie's value onto a
// consistent hash ring (removing a server moves only its clients);
// DurationBased sets the load balancer cookie (lbCookieName, EG_SESSION by
// default, for lbCookieExpire, 2h by default) on every reply and sends a
// request carrying it to its server; ApplicationBased sets it only on
// replies that set the application cookie. Without a usable cookie the
// pool's policy chooses. The cookieHash policy hashes the request's Cookie
// header.
//
// # Compression
//
// compression.minLength gzips replies of at least that many bytes (any
// content type, not already encoded) for clients that accept gzip or send
// no Accept-Encoding, using the Compressor of filter/compression. Replies
// streamed past serverMaxBodySize are passed on uncompressed.
//
// Not yet supported (rejected as unknown fields): serviceName and
// serviceRegistry.
package proxy
