// Package circuitbreaker provides the CircuitBreaker resilience policy: a
// Proxy pool that names it in circuitBreakerPolicy stops sending requests
// to an upstream that keeps failing, and probes it before it trusts it
// again.
//
//	resilience:
//	- {name: guard, kind: CircuitBreaker, slidingWindowType: TIME_BASED, slidingWindowSize: 30, minimumNumberOfCalls: 20}
//
// The policy is a template: every pool naming it gets a Breaker of its own.
// A Breaker is in one of three states.
//
//   - CLOSED: calls pass and their outcomes go into a sliding window, the
//     last slidingWindowSize calls (COUNT_BASED) or the calls of the last
//     slidingWindowSize seconds (TIME_BASED). Once the window holds at
//     least minimumNumberOfCalls calls (for COUNT_BASED at most the window
//     size), the breaker opens when the share of failed calls reaches
//     failureRateThreshold percent, or the share of calls slower than
//     slowCallDurationThreshold reaches slowCallRateThreshold percent.
//   - OPEN: calls are refused at once (the Proxy answers 503 with the
//     result shortCircuited) for waitDurationInOpenState; the first call
//     after that moves the breaker to HALF_OPEN.
//   - HALF_OPEN: permittedNumberOfCallsInHalfOpenState trial calls pass,
//     further calls are refused. When all trial calls have finished the
//     breaker closes (with an empty window) if their rates are below the
//     thresholds and opens again otherwise. With
//     maxWaitDurationInHalfOpenState set, a breaker still half-open after
//     that long opens again.
//
// What a failure is belongs to the caller: the Proxy counts a network
// error, a timeout, no healthy server and a status in failureCodes; a
// client that went away counts as a success (the upstream did nothing
// wrong).
//
// # Hot path
//
// Acquire and Done take no lock and do not allocate: the state is an
// atomic pointer to an immutable phase, replaced by compare-and-swap on a
// transition (the only allocation); the count-based window is a ring of
// atomic slots with atomic totals; the time-based window keeps one bucket
// of atomic counters per second and takes a mutex only when the clock
// moves into a new second, to retire the buckets that left the window.
package circuitbreaker
