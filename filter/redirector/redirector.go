package redirector

import (
	"bytes"
	"fmt"
	"regexp"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// KindName is the Redirector filter's kind name.
const KindName = "Redirector"

// ResultRedirected is returned with a redirect reply.
const ResultRedirected = "redirected"

// Kind is the Redirector filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Redirector replies 3xx when a regular expression rewrite changes part of the URL.",
	Results:     []string{ResultRedirected},
	DefaultSpec: newSpec,
	New:         newRedirector,
}

func init() { filter.Register(Kind) }

// Redirector is a running Redirector filter.
type Redirector struct {
	filter.Base
	re          *regexp.Regexp
	part        string
	replacement []byte
	code        int
	err         error
	count       atomic.Uint64
}

var _ filter.Filter = (*Redirector)(nil)

// Status is what the admin API shows of a Redirector.
type Status struct {
	// Redirected counts the redirects sent.
	Redirected uint64 `json:"redirected"`
}

func newRedirector(spec *filter.Spec) filter.Filter {
	r := &Redirector{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		r.err = fmt.Errorf("redirector: spec body is %T, want *redirector.Spec", spec.Body)
		return r
	}
	if r.err = s.Validate(); r.err != nil {
		return r
	}
	r.re = regexp.MustCompile(s.Match)
	r.part, r.replacement, r.code = s.MatchPart, []byte(s.Replacement), s.StatusCode
	return r
}

// Validate reports a spec the filter could not be built from.
func (r *Redirector) Validate() error { return r.err }

// Init reports a spec the filter could not be built from.
func (r *Redirector) Init() error { return r.err }

// Inherit is Init; the counter starts again.
func (r *Redirector) Inherit(filter.Filter) error { return r.Init() }

// Status returns the counter.
func (r *Redirector) Status() any { return Status{Redirected: r.count.Load()} }

// Handle redirects when the rewrite changes the URL part, and returns ""
// otherwise.
func (r *Redirector) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		return ""
	}
	var part, query []byte
	switch r.part {
	case PartFull:
		part = req.URI().FullURI()
	case PartPath:
		part = req.RequestURI()
		if i := bytes.IndexByte(part, '?'); i >= 0 {
			part, query = part[:i], part[i:]
		}
	default:
		part = req.RequestURI()
	}
	if !r.re.Match(part) {
		return ""
	}
	location := r.re.ReplaceAll(part, r.replacement)
	if bytes.Equal(location, part) {
		return ""
	}
	if len(query) > 0 {
		if bytes.IndexByte(location, '?') >= 0 {
			location = append(append(location, '&'), query[1:]...)
		} else {
			location = append(location, query...)
		}
	}
	r.count.Add(1)
	resp := ctx.NewResponse()
	resp.SetStatusCode(r.code)
	resp.Header.SetBytesV(fasthttp.HeaderLocation, location)
	return ResultRedirected
}
