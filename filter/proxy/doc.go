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
// policy (roundRobin, random, weightedRandom, ipHash, headerHash) chooses a
// healthy server.
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
// each attempt with HostClient.DoTimeout, body included.
//
// # Results
//
// internalError (no healthy server, 503; reply body unreadable, 500),
// clientError (client gone while its streamed body was forwarded, 499),
// serverError (upstream unreachable or broken exchange, 503), timeout (the
// pool's timeout passed, 408), failureCode (the upstream status is in the
// pool's failureCodes, 500-599 by default; the reply is kept) and
// shortCircuited (declared for the circuit breaker policy).
//
// # Updates
//
// When a new generation of the filter replaces an old one (Inherit), the
// HostClients and health states of servers whose URL and settings did not
// change are taken over: they are shared with reference counting, and the
// generation that closes last releases them. Health probes run in one
// goroutine per pool; a shared server is probed by the newest generation
// only.
//
// Not yet supported (rejected as unknown fields, or refused by Validate):
// memoryCache, compression, stickySession and the cookieHash policy,
// serviceName and serviceRegistry, and maxRedirection above 0. The
// retryPolicy and circuitBreakerPolicy names are checked against the
// pipeline's resilience policies but not applied yet.
package proxy
