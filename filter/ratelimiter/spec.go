package ratelimiter

import (
	"strconv"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Defaults and bounds of a policy, as in Easegress where a value exists
// there.
const (
	// DefaultTimeout is a policy's timeoutDuration when it is not given.
	DefaultTimeout = 100 * time.Millisecond
	// DefaultRefreshPeriod is a policy's limitRefreshPeriod when it is not
	// given.
	DefaultRefreshPeriod = 10 * time.Millisecond
	// DefaultLimitForPeriod is a policy's limitForPeriod when it is not
	// given.
	DefaultLimitForPeriod = 50
	// MinRefreshPeriod is the shortest limitRefreshPeriod accepted.
	MinRefreshPeriod = time.Millisecond
	// MaxLimitForPeriod is the largest limitForPeriod accepted; with
	// MinRefreshPeriod it keeps the permit counter far from overflowing.
	MaxLimitForPeriod = 1_000_000
	// MaxTimeout is the longest timeoutDuration accepted.
	MaxTimeout = time.Minute
	// DefaultMaxKeys is perKey.maxKeys when it is not given.
	DefaultMaxKeys = 10_000
	// MaxMaxKeys is the largest perKey.maxKeys accepted.
	MaxMaxKeys = 10_000_000
)

// Spec is the RateLimiter filter's own fields.
type Spec struct {
	// Policies are the named limits URL rules refer to.
	Policies []Policy `json:"policies" jsonschema:"required,description=named limits that URL rules refer to"`
	// DefaultPolicyRef names the policy of URL rules without policyRef.
	DefaultPolicyRef string `json:"defaultPolicyRef,omitempty" jsonschema:"description=policy of the URL rules that have no policyRef"`
	// URLs are the URL rules; the first rule matching a request limits it.
	URLs []URLRule `json:"urls" jsonschema:"required,description=URL rules; the first one matching a request applies and each has its own limiter"`
}

// Policy is a named limit: limitForPeriod permits every
// limitRefreshPeriod; a request waits at most timeoutDuration for one.
type Policy struct {
	// Name identifies the policy.
	Name string `json:"name" jsonschema:"required,minLength=1,description=policy name"`
	// TimeoutDuration is how long a request may wait for a permit
	// (default 100ms; 0 rejects at once).
	TimeoutDuration *registry.Duration `json:"timeoutDuration,omitempty" jsonschema:"description=longest wait for a permit (default 100ms; 0s rejects at once)"`
	// LimitRefreshPeriod is the period after which the permits are
	// renewed (default 10ms).
	LimitRefreshPeriod *registry.Duration `json:"limitRefreshPeriod,omitempty" jsonschema:"description=period after which the permits are renewed (default 10ms)"`
	// LimitForPeriod is the number of permits per period (default 50).
	LimitForPeriod int `json:"limitForPeriod,omitempty" jsonschema:"minimum=1,maximum=1000000,description=permits per period (default 50)"`
}

// URLRule selects requests by method and path and limits them with a
// policy.
type URLRule struct {
	// Methods are the request methods the rule applies to; empty means
	// all.
	Methods []string `json:"methods,omitempty" jsonschema:"description=request methods the rule applies to; empty means every method"`
	// URL is the condition on the request path.
	URL adapt.StringMatcher `json:"url" jsonschema:"required,description=condition on the request path"`
	// PolicyRef names the rule's policy; empty means defaultPolicyRef.
	PolicyRef string `json:"policyRef,omitempty" jsonschema:"description=policy of this rule; defaultPolicyRef when empty"`
	// PerKey gives every distinct key (a header value, the client IP) a
	// limiter of its own (gatewright).
	PerKey *PerKey `json:"perKey,omitempty" jsonschema:"description=one limiter per distinct key instead of one for the rule (gatewright)"`
}

// PerKey says what tells the clients of a per-key rule apart. Exactly one
// of Header and ClientIP is set.
type PerKey struct {
	// Header names the request header whose value is the key; requests
	// without it share the key "".
	Header string `json:"header,omitempty" jsonschema:"description=request header whose value is the key; requests without it share one limiter"`
	// ClientIP keys by the client IP the traffic gate determined.
	ClientIP bool `json:"clientIP,omitempty" jsonschema:"description=key by the client IP"`
	// MaxKeys bounds the keys kept in memory (default 10000).
	MaxKeys int `json:"maxKeys,omitempty" jsonschema:"minimum=1,maximum=10000000,description=most keys kept in memory (default 10000)"`
}

// Validate checks what the schema cannot: unique policy names, durations,
// methods, URL matchers, policy references and per-key settings.
func (s *Spec) Validate() error {
	names := make(map[string]bool, len(s.Policies))
	for i := range s.Policies {
		p := &s.Policies[i]
		at := "policies[" + strconv.Itoa(i) + "]"
		if names[p.Name] {
			return registry.FieldError{Path: at + ".name", Reason: "policy " + strconv.Quote(p.Name) + " is defined twice"}
		}
		names[p.Name] = true
		if err := p.validate(); err != nil {
			return adapt.At(at, err)
		}
	}
	if s.DefaultPolicyRef != "" && !names[s.DefaultPolicyRef] {
		return registry.FieldError{Path: "defaultPolicyRef", Reason: "policy " + strconv.Quote(s.DefaultPolicyRef) + " is not defined"}
	}
	for i := range s.URLs {
		u := &s.URLs[i]
		at := "urls[" + strconv.Itoa(i) + "]"
		if err := u.validate(); err != nil {
			return adapt.At(at, err)
		}
		switch {
		case u.PolicyRef != "" && !names[u.PolicyRef]:
			return registry.FieldError{Path: at + ".policyRef", Reason: "policy " + strconv.Quote(u.PolicyRef) + " is not defined"}
		case u.PolicyRef == "" && s.DefaultPolicyRef == "":
			return registry.FieldError{Path: at + ".policyRef", Reason: "is required when there is no defaultPolicyRef"}
		}
	}
	return nil
}

func (p *Policy) validate() error {
	if p.TimeoutDuration != nil {
		if d := p.TimeoutDuration.D(); d < 0 || d > MaxTimeout {
			return registry.FieldError{Path: "timeoutDuration", Reason: "must be between 0s and " + MaxTimeout.String()}
		}
	}
	if p.LimitRefreshPeriod != nil && p.LimitRefreshPeriod.D() < MinRefreshPeriod {
		return registry.FieldError{Path: "limitRefreshPeriod", Reason: "must be at least " + MinRefreshPeriod.String()}
	}
	if p.LimitForPeriod < 0 || p.LimitForPeriod > MaxLimitForPeriod {
		return registry.FieldError{Path: "limitForPeriod", Reason: "must be between 1 and " + strconv.Itoa(MaxLimitForPeriod)}
	}
	return nil
}

func (u *URLRule) validate() error {
	for i, m := range u.Methods {
		if !validMethod(m) {
			return registry.FieldError{Path: "methods[" + strconv.Itoa(i) + "]", Reason: strconv.Quote(m) + " is not a standard upper-case method"}
		}
	}
	if err := u.URL.Validate(); err != nil {
		return adapt.At("url", err)
	}
	if k := u.PerKey; k != nil {
		switch {
		case k.Header == "" && !k.ClientIP:
			return registry.FieldError{Path: "perKey", Reason: "set header or clientIP"}
		case k.Header != "" && k.ClientIP:
			return registry.FieldError{Path: "perKey", Reason: "header and clientIP cannot both be set"}
		case k.Header != "" && !adapt.ValidHeaderName(k.Header):
			return registry.FieldError{Path: "perKey.header", Reason: strconv.Quote(k.Header) + " is not a valid header name"}
		case k.MaxKeys < 0 || k.MaxKeys > MaxMaxKeys:
			return registry.FieldError{Path: "perKey.maxKeys", Reason: "must be between 1 and " + strconv.Itoa(MaxMaxKeys)}
		}
	}
	return nil
}

// timeout returns the policy's timeoutDuration with its default.
func (p *Policy) timeout() time.Duration {
	if p.TimeoutDuration == nil {
		return DefaultTimeout
	}
	return p.TimeoutDuration.D()
}

// refreshPeriod returns the policy's limitRefreshPeriod with its default.
func (p *Policy) refreshPeriod() time.Duration {
	if p.LimitRefreshPeriod == nil {
		return DefaultRefreshPeriod
	}
	return p.LimitRefreshPeriod.D()
}

// limitForPeriod returns the policy's limitForPeriod with its default.
func (p *Policy) limitForPeriod() int {
	if p.LimitForPeriod == 0 {
		return DefaultLimitForPeriod
	}
	return p.LimitForPeriod
}

// maxKeys returns perKey.maxKeys with its default.
func (k *PerKey) maxKeys() int {
	if k.MaxKeys == 0 {
		return DefaultMaxKeys
	}
	return k.MaxKeys
}

// validMethod reports whether m is one of the standard methods, upper
// case.
func validMethod(m string) bool {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE":
		return true
	}
	return false
}
