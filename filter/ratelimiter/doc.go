// Package ratelimiter provides the RateLimiter filter: it caps the rate of
// requests per URL rule and replies 429 Too Many Requests past it.
//
//	name: throttle
//	kind: RateLimiter
//	policies: [{name: tight, limitForPeriod: 5, limitRefreshPeriod: 1s, timeoutDuration: 50ms}]
//	urls: [{methods: [POST], url: {regex: "^/orders/[0-9]+$"}, policyRef: tight}]
//
// A policy grants limitForPeriod permits (default 50) every
// limitRefreshPeriod (default 10ms); permits left over at the end of a
// period are lost. The first URL rule whose methods (empty: all) and url
// condition (a StringMatcher on the request path) match a request counts
// it; a request no rule matches passes. Each rule has its own limiter: two
// rules naming the same policy do not share permits.
//
// A request that finds no permit left in the current period may reserve
// one of a later period and wait for that period to start, if the wait
// is at most the policy's timeoutDuration (default 100ms; 0s never
// waits). Otherwise it is refused: the filter writes a 429 response with
// the headers "X-EG-Rate-Limiter: too-many-requests" (as Easegress does)
// and "Retry-After" (the wait until the next free permit, in whole
// seconds rounded up, at least 1), adds the tag
// "rateLimiter: too many requests" and returns the result "rateLimited".
//
// # Per-key limits
//
// A rule with perKey (a gatewright extension) gives every key its own
// limiter with the rule's policy: perKey.header keys by the value of a
// request header (requests without it share the key ""), perKey.clientIP
// by the client IP the traffic gate determined. At most about
// perKey.maxKeys keys (default 10000) are kept: a full table first drops
// the keys that took no permit in the current period (nothing is lost:
// they would start with a full period anyway), and only when more than
// maxKeys keys are active within one period does it forget an eighth of
// them, chosen at random, which then start over with full permits. Keys
// longer than 64 bytes are kept as their SHA-256. A key costs roughly 70
// to 130 bytes depending on its length (measured with Go's heap
// statistics), so the default bounds a rule to about 1.3 MB.
//
// # Cost
//
// Taking a permit is one atomic compare-and-swap on the rule's limiter:
// no lock and no allocation. A per-key rule adds one map lookup under the
// lock of one of up to 64 shards (a new key allocates its entry). Waiting
// parks the goroutine on a pooled timer.
//
// A configuration update that keeps a rule (same methods, url, perKey and
// policy numbers) keeps its limiters and counters; other rules start with
// fresh ones.
package ratelimiter
