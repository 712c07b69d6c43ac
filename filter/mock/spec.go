package mock

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// MaxDelay bounds a rule's delay.
const MaxDelay = 5 * time.Minute

// Spec is the Mock filter's own fields.
type Spec struct {
	// Rules are tried in order; the first match replies. Required; [] is
	// allowed (the filter then never replies).
	Rules []Rule `json:"rules" jsonschema:"required,description=canned replies tried in order; the first matching rule replies"`
}

// Rule is one canned reply and the requests it answers.
type Rule struct {
	// Match selects the requests the rule answers; empty matches all.
	Match Match `json:"match,omitzero" jsonschema:"description=requests this rule answers; empty matches every request"`
	// Code is the reply status.
	Code int `json:"code" jsonschema:"required,minimum=100,maximum=599,description=reply status code"`
	// Headers are the reply headers.
	Headers map[string]string `json:"headers,omitempty" jsonschema:"description=reply headers"`
	// Body is the reply body.
	Body string `json:"body,omitempty" jsonschema:"description=reply body"`
	// Delay is how long to wait before replying.
	Delay registry.Duration `json:"delay,omitempty" jsonschema:"description=wait before replying (at most 5m)"`
}

// Match holds a rule's conditions.
type Match struct {
	// Path matches a request path equal to it.
	Path string `json:"path,omitempty" jsonschema:"pattern=^/,description=exact request path"`
	// PathPrefix matches a request path starting with it.
	PathPrefix string `json:"pathPrefix,omitempty" jsonschema:"pattern=^/,description=request path prefix"`
	// Headers maps header names to conditions on their values.
	Headers map[string]adapt.StringMatcher `json:"headers,omitempty" jsonschema:"description=header name to condition; an absent header matches only empty: true"`
	// MatchAllHeaders requires every header condition instead of one.
	MatchAllHeaders bool `json:"matchAllHeaders,omitempty" jsonschema:"description=require every header condition instead of any one"`
}

// Validate checks what the schema cannot: path prefixes, header
// conditions, reply headers and the delay bound.
func (s *Spec) Validate() error {
	for i := range s.Rules {
		if err := s.Rules[i].validate(); err != nil {
			return adapt.At("rules["+strconv.Itoa(i)+"]", err)
		}
	}
	return nil
}

func (r *Rule) validate() error {
	if r.Match.Path != "" && !strings.HasPrefix(r.Match.Path, "/") {
		return registry.FieldError{Path: "match.path", Reason: "must start with /"}
	}
	if r.Match.PathPrefix != "" && !strings.HasPrefix(r.Match.PathPrefix, "/") {
		return registry.FieldError{Path: "match.pathPrefix", Reason: "must start with /"}
	}
	if err := adapt.ValidateHeaderConditions(r.Match.Headers); err != nil {
		return adapt.At("match.headers", err)
	}
	if r.Code < 100 || r.Code > 599 {
		return registry.FieldError{Path: "code", Reason: "must be between 100 and 599"}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		value := r.Headers[name]
		if !adapt.ValidHeaderName(name) {
			return registry.FieldError{Path: "headers", Reason: strconv.Quote(name) + " is not a valid header name"}
		}
		if !adapt.ValidHeaderValue(value) {
			return registry.FieldError{Path: "headers." + name, Reason: "header value must not contain CR, LF or NUL"}
		}
	}
	if r.Delay < 0 {
		return registry.FieldError{Path: "delay", Reason: "must not be negative"}
	}
	if r.Delay.D() > MaxDelay {
		return registry.FieldError{Path: "delay", Reason: "must be at most " + MaxDelay.String()}
	}
	return nil
}
