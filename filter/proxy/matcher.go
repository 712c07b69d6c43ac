package proxy

import (
	"math/rand/v2"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// Compiled matcher policies.
const (
	matchGeneral = iota
	matchIPHash
	matchHeaderHash
	matchRandom
)

// requestMatcher is a compiled RequestMatcherSpec: immutable, and its match
// does not allocate.
type requestMatcher struct {
	policy  int
	headers *adapt.HeaderMatch
	urls    []urlMatcher
	permil  uint32
	hashKey []byte
}

// urlMatcher is one method and path condition.
type urlMatcher struct {
	methods []string
	path    *adapt.Matcher
}

// newRequestMatcher compiles a validated spec.
func newRequestMatcher(spec *RequestMatcherSpec) (*requestMatcher, error) {
	m := &requestMatcher{permil: uint32(spec.Permil)}
	switch spec.Policy {
	case "", MatchGeneral:
		m.policy = matchGeneral
		hm, err := adapt.CompileHeaderMatch(spec.Headers, spec.MatchAllHeaders)
		if err != nil {
			return nil, adapt.At("headers", err)
		}
		m.headers = hm
		for _, u := range spec.URLs {
			pm, err := u.URL.Compile()
			if err != nil {
				return nil, adapt.At("urls", err)
			}
			m.urls = append(m.urls, urlMatcher{methods: u.Methods, path: pm})
		}
	case MatchIPHash:
		m.policy = matchIPHash
	case MatchHeaderHash:
		m.policy = matchHeaderHash
		m.hashKey = []byte(spec.HeaderHashKey)
	case MatchRandom:
		m.policy = matchRandom
	}
	return m, nil
}

// match reports whether req is taken by the matcher.
func (m *requestMatcher) match(req *httpprot.Request) bool {
	switch m.policy {
	case matchIPHash:
		return backend.HashBytes(req.RealIPBytes())%1000 < m.permil
	case matchHeaderHash:
		return backend.HashBytes(req.Header.PeekBytes(m.hashKey))%1000 < m.permil
	case matchRandom:
		return rand.Uint32N(1000) < m.permil
	}
	if !m.headers.MatchRequest(&req.Header) {
		return false
	}
	if len(m.urls) == 0 {
		return true
	}
	method := req.Header.Method()
	path := req.URI().Path()
	for i := range m.urls {
		u := &m.urls[i]
		if !methodIn(method, u.methods) {
			continue
		}
		if u.path.Match(path) {
			return true
		}
	}
	return false
}

// methodIn reports whether method is listed; an empty list accepts all.
func methodIn(method []byte, methods []string) bool {
	if len(methods) == 0 {
		return true
	}
	for _, m := range methods {
		if string(method) == m {
			return true
		}
	}
	return false
}
