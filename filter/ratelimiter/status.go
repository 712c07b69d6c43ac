package ratelimiter

// Status is the RateLimiter's runtime status: one entry per URL rule.
type Status struct {
	// URLs follows the order of the spec's urls.
	URLs []URLStatus `json:"urls"`
}

// URLStatus counts what one URL rule did since its limiter was created
// (counts survive configuration updates that keep the rule).
type URLStatus struct {
	// Policy is the name of the rule's policy.
	Policy string `json:"policy"`
	// Admitted counts requests that got a permit (Delayed included).
	Admitted uint64 `json:"admitted"`
	// Delayed counts requests that waited for a permit of a later period.
	Delayed uint64 `json:"delayed"`
	// Limited counts requests refused with 429.
	Limited uint64 `json:"limited"`
	// Keys is the number of keys held by a per-key rule.
	Keys int `json:"keys,omitempty"`
}

// Status reports the counters of every URL rule.
func (rl *RateLimiter) Status() any {
	st := Status{URLs: make([]URLStatus, 0, len(rl.rules))}
	for _, r := range rl.rules {
		us := URLStatus{Policy: r.policy}
		if s := r.state; s != nil {
			us.Admitted, us.Delayed, us.Limited = s.admitted.Load(), s.delayed.Load(), s.limited.Load()
			if s.keys != nil {
				us.Keys = s.keys.len()
			}
		}
		st.URLs = append(st.URLs, us)
	}
	return st
}
