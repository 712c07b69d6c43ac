// Package retry provides the Retry resilience policy: a Proxy pool that
// names it in retryPolicy tries a failed request again, on a server its
// load balancing picks anew, up to maxAttempts tries in all.
//
//	resilience:
//	- {name: flaky, kind: Retry, maxAttempts: 4, waitDuration: 200ms, backOffPolicy: exponential}
//
// An attempt fails when the pool would return a result: the upstream could
// not be reached, the pool's timeout passed, no server was healthy, or the
// status is one of the pool's failureCodes. A client that went away is
// never retried.
//
// # Pauses
//
// Between tries the request waits: waitDuration with backOffPolicy random,
// waitDuration×1.5^(n-1) after the n-th failure with exponential. With a
// randomizationFactor f > 0 the pause is drawn uniformly from
// [pause×(1-f), pause×(1+f)].
//
// # Which requests are retried
//
// Only idempotent requests (GET, HEAD, OPTIONS, TRACE, PUT, DELETE; RFC
// 9110 section 9.2.2) are retried unless retryNonIdempotent is true: a
// POST or PATCH that reached the upstream may have had its effect already.
//
// A request body must be sent again on each try. Bodies the HTTPServer
// buffered (every route with a body cap, 4 MiB by default) are in memory
// and replay as they are. A streamed body (a route with
// clientMaxBodySize: -1) of known length up to maxReplayBodySize bytes
// (1 MiB by default) is read into memory before the first try so that it
// can be replayed; a longer or chunked streamed body is sent once and
// never retried, and maxReplayBodySize: 0 turns that buffering off.
package retry
