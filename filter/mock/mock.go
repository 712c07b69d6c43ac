package mock

import (
	"fmt"
	"strconv"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/timerpool"
)

// KindName is the Mock filter's kind name.
const KindName = "Mock"

// ResultMocked is returned when a rule replied.
const ResultMocked = "mocked"

// Kind is the Mock filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Mock replies from canned rules; the first matching rule wins.",
	Results:     []string{ResultMocked},
	DefaultSpec: func() any { return &Spec{} },
	New:         newMock,
}

func init() { filter.Register(Kind) }

// Mock is a running Mock filter.
type Mock struct {
	filter.Base
	rules  []*rule
	err    error // from compiling the spec; reported by Validate and Init
	timers timerpool.Pool
}

var _ filter.Filter = (*Mock)(nil)

func newMock(spec *filter.Spec) filter.Filter {
	m := &Mock{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		m.err = fmt.Errorf("mock: spec body is %T, want *mock.Spec", spec.Body)
		return m
	}
	if err := s.Validate(); err != nil {
		m.err = err
		return m
	}
	for i := range s.Rules {
		r, err := compileRule(&s.Rules[i])
		if err != nil {
			m.err = adapt.At("rules["+strconv.Itoa(i)+"]", err)
			return m
		}
		m.rules = append(m.rules, r)
	}
	return m
}

// Validate reports a spec the filter could not be built from.
func (m *Mock) Validate() error { return m.err }

// Init reports a spec the filter could not be built from; there is
// nothing to start.
func (m *Mock) Init() error { return m.err }

// Inherit is Init: a Mock keeps no state worth taking over.
func (m *Mock) Inherit(previous filter.Filter) error { return m.Init() }

// Handle replies with the first matching rule and returns ResultMocked,
// or returns "" when no rule matches.
func (m *Mock) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		return ""
	}
	for _, r := range m.rules {
		if !r.match(req.Request) {
			continue
		}
		r.write(ctx.NewResponse().Response)
		if r.delay > 0 {
			m.timers.Wait(ctx, r.delay)
		}
		return ResultMocked
	}
	return ""
}
