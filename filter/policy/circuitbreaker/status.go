package circuitbreaker

import "time"

// Status is a breaker's state and counters, for a pool's status.
type Status struct {
	// Policy is the name of the policy the breaker follows.
	Policy string `json:"policy"`
	// State is CLOSED, OPEN or HALF_OPEN.
	State string `json:"state"`
	// Since is when the breaker entered the state.
	Since time.Time `json:"since"`
	// Calls, FailedCalls and SlowCalls count the calls in the sliding
	// window (CLOSED) or the finished trial calls (HALF_OPEN).
	Calls       int64 `json:"calls"`
	FailedCalls int64 `json:"failedCalls"`
	SlowCalls   int64 `json:"slowCalls"`
	// FailureRate and SlowCallRate are percentages of Calls; -1 while
	// fewer calls than minimumNumberOfCalls (CLOSED) or than the trial
	// calls (HALF_OPEN) were recorded.
	FailureRate  float64 `json:"failureRate"`
	SlowCallRate float64 `json:"slowCallRate"`
	// NotPermittedCalls counts the calls refused since the breaker was
	// created.
	NotPermittedCalls uint64 `json:"notPermittedCalls"`
	// Transitions counts the state changes since the breaker was created.
	Transitions uint64 `json:"transitions"`
}

// Status returns the breaker's status; policy names the policy.
func (b *Breaker) Status(policy string) Status {
	ph := b.cur.Load()
	st := Status{
		Policy:            policy,
		State:             ph.state.String(),
		Since:             ph.since,
		FailureRate:       -1,
		SlowCallRate:      -1,
		NotPermittedCalls: b.rejected.Load(),
		Transitions:       b.transitions.Load(),
	}
	var c counts
	need := int64(0)
	switch ph.state {
	case Closed:
		c = ph.window.totals(b.now().Unix())
		need = b.cfg.minCalls
	case HalfOpen:
		c = counts{calls: ph.trial.calls.Load(), failures: ph.trial.failures.Load(), slow: ph.trial.slow.Load()}
		need = b.cfg.halfOpenCalls
	}
	st.Calls, st.FailedCalls, st.SlowCalls = c.calls, c.failures, c.slow
	if ph.state != Open && c.calls >= need && c.calls > 0 {
		st.FailureRate = float64(c.failures) * 100 / float64(c.calls)
		st.SlowCallRate = float64(c.slow) * 100 / float64(c.calls)
	}
	return st
}
