package compression

import (
	"fmt"

	"github.com/gatewright/gatewright/filter"
)

// KindName is the Compression filter's kind name.
const KindName = "Compression"

// Kind is the Compression filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Compression compresses the response with brotli or gzip, as the client's Accept-Encoding allows.",
	DefaultSpec: newSpec,
	New:         newFilter,
}

func init() { filter.Register(Kind) }

// Filter is a running Compression filter.
type Filter struct {
	filter.Base
	c   *Compressor
	err error
}

var _ filter.Filter = (*Filter)(nil)

func newFilter(spec *filter.Spec) filter.Filter {
	f := &Filter{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		f.err = fmt.Errorf("compression: spec body is %T, want *compression.Spec", spec.Body)
		return f
	}
	o, err := s.options()
	if err != nil {
		f.err = err
		return f
	}
	f.c, f.err = New(o)
	return f
}

// Validate reports a spec the filter could not be built from.
func (f *Filter) Validate() error { return f.err }

// Init reports a spec the filter could not be built from.
func (f *Filter) Init() error { return f.err }

// Inherit is Init; the pools and counters start again.
func (f *Filter) Inherit(filter.Filter) error { return f.Init() }

// Status returns the compressor's counts.
func (f *Filter) Status() any {
	if f.c == nil {
		return Stats{}
	}
	return f.c.Stats()
}

// Handle compresses the current namespace's response when the rules
// allow; it always returns "".
func (f *Filter) Handle(ctx *filter.Context) string {
	resp, req := ctx.Response(), ctx.Request()
	if resp == nil || !req.Valid() {
		return ""
	}
	if _, err := f.c.Compress(&req.Header, resp.Response); err != nil {
		f.Log().Warn("response left uncompressed", "error", err)
	}
	return ""
}
