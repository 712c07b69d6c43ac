package fallback

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// KindName is the Fallback filter's kind name.
const KindName = "Fallback"

// Results of the Fallback filter.
const (
	// ResultFallback: the response was overwritten.
	ResultFallback = "fallback"
	// ResultResponseNotFound: there was no response to overwrite.
	ResultResponseNotFound = "responseNotFound"
)

// Kind is the Fallback filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Fallback overwrites the response with a fixed status, headers and body.",
	Results:     []string{ResultFallback, ResultResponseNotFound},
	DefaultSpec: func() any { return &Spec{} },
	New:         newFallback,
}

func init() { filter.Register(Kind) }

// Fallback is a running Fallback filter.
type Fallback struct {
	filter.Base
	code         int
	headers      []header
	body         []byte
	keepEncoding bool // mockHeaders sets Content-Encoding
	err          error
	count        atomic.Uint64
}

type header struct {
	name, value []byte
}

var _ filter.Filter = (*Fallback)(nil)

// Status is what the admin API shows of a Fallback.
type Status struct {
	// Fallbacks counts the responses overwritten.
	Fallbacks uint64 `json:"fallbacks"`
}

func newFallback(spec *filter.Spec) filter.Filter {
	f := &Fallback{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		f.err = fmt.Errorf("fallback: spec body is %T, want *fallback.Spec", spec.Body)
		return f
	}
	if f.err = s.Validate(); f.err != nil {
		return f
	}
	f.code = s.MockCode
	f.body = []byte(s.MockBody)
	for _, name := range slices.Sorted(maps.Keys(s.MockHeaders)) {
		f.headers = append(f.headers, header{name: []byte(name), value: []byte(s.MockHeaders[name])})
		if strings.EqualFold(name, fasthttp.HeaderContentEncoding) {
			f.keepEncoding = true
		}
	}
	return f
}

// Validate reports a spec the filter could not be built from.
func (f *Fallback) Validate() error { return f.err }

// Init reports a spec the filter could not be built from.
func (f *Fallback) Init() error { return f.err }

// Inherit is Init; the counter starts again.
func (f *Fallback) Inherit(filter.Filter) error { return f.Init() }

// Status returns the counter.
func (f *Fallback) Status() any { return Status{Fallbacks: f.count.Load()} }

// Handle overwrites the current namespace's response and returns
// ResultFallback, or returns ResultResponseNotFound when there is none.
func (f *Fallback) Handle(ctx *filter.Context) string {
	resp := ctx.Response()
	if resp == nil {
		return ResultResponseNotFound
	}
	f.count.Add(1)
	resp.SetStatusCode(f.code)
	if !f.keepEncoding {
		resp.Header.Del(fasthttp.HeaderContentEncoding)
	}
	for i := range f.headers {
		resp.Header.SetBytesKV(f.headers[i].name, f.headers[i].value)
	}
	resp.SetBody(f.body)
	return ResultFallback
}
