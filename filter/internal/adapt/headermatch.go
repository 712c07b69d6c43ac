package adapt

import (
	"sort"

	"github.com/valyala/fasthttp"
)

// HeaderMatch is a compiled set of header conditions, built from a map of
// header name to StringMatcher and a matchAllHeaders flag, as Mock rules
// and Proxy pool filters declare them. A condition holds when any value of
// its header matches; an absent header satisfies only an Empty matcher.
// With matchAll every condition must hold, otherwise one is enough; no
// conditions at all always match. HeaderMatch is immutable.
type HeaderMatch struct {
	conds    []headerCond
	matchAll bool
}

type headerCond struct {
	name string
	m    *Matcher
}

// ValidateHeaderConditions checks every matcher of conds, naming the
// offending header in the error path.
func ValidateHeaderConditions(conds map[string]StringMatcher) error {
	for _, name := range sortedKeys(conds) {
		if name == "" {
			return At("", errorf("header name must not be empty"))
		}
		sm := conds[name]
		if err := sm.Validate(); err != nil {
			return At(name, err)
		}
	}
	return nil
}

// CompileHeaderMatch compiles conds; conditions are checked in name order.
func CompileHeaderMatch(conds map[string]StringMatcher, matchAll bool) (*HeaderMatch, error) {
	if err := ValidateHeaderConditions(conds); err != nil {
		return nil, err
	}
	hm := &HeaderMatch{matchAll: matchAll, conds: make([]headerCond, 0, len(conds))}
	for _, name := range sortedKeys(conds) {
		sm := conds[name]
		m, err := sm.Compile()
		if err != nil {
			return nil, At(name, err)
		}
		hm.conds = append(hm.conds, headerCond{name: name, m: m})
	}
	return hm, nil
}

// Len returns the number of conditions.
func (hm *HeaderMatch) Len() int { return len(hm.conds) }

// MatchRequest reports whether the request header h satisfies the
// conditions. It does not allocate.
func (hm *HeaderMatch) MatchRequest(h *fasthttp.RequestHeader) bool {
	if len(hm.conds) == 0 {
		return true
	}
	for i := range hm.conds {
		c := &hm.conds[i]
		ok := c.m.MatchAny(h.PeekAll(c.name))
		if ok && !hm.matchAll {
			return true
		}
		if !ok && hm.matchAll {
			return false
		}
	}
	return hm.matchAll
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
