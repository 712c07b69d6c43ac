// Package headercounter is the HeaderCounter filter, the worked example of
// writing a gatewright filter (after the one in Easegress's developer
// guide). It counts the requests that carry any of the configured headers;
// a request carrying none gets the result invalidHeader, which a pipeline
// can route with jumpIf.
//
//	filters:
//	- name: counter
//	  kind: HeaderCounter
//	  headers: [X-Tenant, X-Api-Key]
package headercounter

import (
	"sync/atomic"

	"github.com/gatewright/gatewright/filter"
)

// KindName is the kind of the filter in specs.
const KindName = "HeaderCounter"

// ResultInvalidHeader is returned for a request carrying none of the
// headers.
const ResultInvalidHeader = "invalidHeader"

// Spec is the filter's spec.
type Spec struct {
	// Headers are the header names to count.
	Headers []string `json:"headers" jsonschema:"required,minItems=1,description=header names to count"`
}

// Kind is the HeaderCounter filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Counts requests carrying any of the given headers; returns invalidHeader for those carrying none.",
	Results:     []string{ResultInvalidHeader},
	DefaultSpec: func() any { return &Spec{} },
	New: func(spec *filter.Spec) filter.Filter {
		return &HeaderCounter{Base: filter.NewBase(spec), spec: spec.Body.(*Spec)}
	},
}

func init() { filter.Register(Kind) }

// HeaderCounter is a running HeaderCounter filter.
type HeaderCounter struct {
	filter.Base
	spec    *Spec
	counts  *counters
	missing atomic.Int64
}

// counters are kept across pipeline updates as long as the header list is
// the same.
type counters struct {
	headers []string
	hits    []atomic.Int64
}

var _ filter.Filter = (*HeaderCounter)(nil)

// Init starts counting from zero.
func (h *HeaderCounter) Init() error {
	h.counts = &counters{headers: h.spec.Headers, hits: make([]atomic.Int64, len(h.spec.Headers))}
	return nil
}

// Inherit keeps the previous counts when the header list did not change.
func (h *HeaderCounter) Inherit(previous filter.Filter) error {
	prev, ok := previous.(*HeaderCounter)
	if ok && equal(prev.spec.Headers, h.spec.Headers) {
		h.counts = prev.counts
		h.missing.Store(prev.missing.Load())
		return nil
	}
	return h.Init()
}

// Handle counts the request under every configured header it carries.
func (h *HeaderCounter) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	found := false
	for i, name := range h.counts.headers {
		if len(req.Header.Peek(name)) > 0 {
			h.counts.hits[i].Add(1)
			found = true
		}
	}
	if !found {
		h.missing.Add(1)
		return ResultInvalidHeader
	}
	return ""
}

// Status reports the count per header and of requests carrying none.
type Status struct {
	Counts  map[string]int64 `json:"counts"`
	Missing int64            `json:"missing"`
}

// Status returns the counts.
func (h *HeaderCounter) Status() any {
	st := Status{Counts: map[string]int64{}, Missing: h.missing.Load()}
	if h.counts != nil {
		for i, name := range h.counts.headers {
			st.Counts[name] = h.counts.hits[i].Load()
		}
	}
	return st
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
