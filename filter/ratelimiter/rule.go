package ratelimiter

import (
	"bytes"
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// rule is a compiled URL rule with its limiter state.
type rule struct {
	methods [][]byte // nil: every method
	url     *adapt.Matcher
	policy  string
	rate    rate

	keyHeader string // perKey.header, or ""
	byIP      bool   // perKey.clientIP
	maxKeys   int

	// identity is the rule and its policy's numbers as JSON: a rule of
	// a new generation with the same identity takes over the state
	// below.
	identity string
	state    *ruleState
}

// ruleState is what a rule hands over to its successor: the epoch its
// cycles count from, its limiters and its counters.
type ruleState struct {
	epoch  time.Time
	single *limiter  // rules without perKey
	keys   *keyTable // rules with perKey

	admitted atomic.Uint64
	delayed  atomic.Uint64
	limited  atomic.Uint64
}

// compileRule prepares u, whose policy is p; both are valid.
func compileRule(u *URLRule, p *Policy) (*rule, error) {
	m, err := u.URL.Compile()
	if err != nil {
		return nil, adapt.At("url", err)
	}
	r := &rule{url: m, policy: p.Name, rate: newRate(p)}
	for _, method := range u.Methods {
		r.methods = append(r.methods, []byte(method))
	}
	if k := u.PerKey; k != nil {
		r.keyHeader, r.byIP, r.maxKeys = k.Header, k.ClientIP, k.maxKeys()
	}
	id, err := json.Marshal(struct {
		Rule                     *URLRule
		Period, Permits, Timeout int64
	}{withoutPolicyRef(u), r.rate.period, r.rate.permits, r.rate.timeout})
	if err != nil {
		return nil, err
	}
	r.identity = string(id)
	return r, nil
}

// withoutPolicyRef returns a copy of u without its policy reference: two
// rules naming different policies with the same numbers are the same.
func withoutPolicyRef(u *URLRule) *URLRule {
	c := *u
	c.PolicyRef = ""
	return &c
}

// start gives the rule fresh state.
func (r *rule) start() {
	st := &ruleState{epoch: time.Now()}
	if r.maxKeys > 0 {
		st.keys = newKeyTable(r.maxKeys)
	} else {
		st.single = &limiter{}
	}
	r.state = st
}

// match reports whether the rule applies to a request.
func (r *rule) match(method, path []byte) bool {
	if r.methods != nil {
		found := false
		for _, m := range r.methods {
			if bytes.Equal(m, method) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return r.url.Match(path)
}

// limiterFor returns the limiter that counts req; now is ns since the
// epoch.
func (r *rule) limiterFor(req *httpprot.Request, now int64) *limiter {
	st := r.state
	if st.keys == nil {
		return st.single
	}
	var key []byte
	if r.byIP {
		key = req.RealIPBytes()
	} else {
		key = req.Header.Peek(r.keyHeader)
	}
	return st.keys.get(key, &r.rate, now)
}
