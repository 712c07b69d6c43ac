package remotefilter

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// KindName is the RemoteFilter filter's kind name.
const KindName = "RemoteFilter"

// failureLogEvery is the shortest time between two warnings about failed
// calls of one filter's service.
const failureLogEvery = time.Second

// Results of the RemoteFilter filter.
const (
	// ResultFailed: the service could not be called, did not answer 2xx
	// in time, or answered something unusable. The response is a 503.
	ResultFailed = "failed"
	// ResultResponseAlready: the service answered 205, the response is
	// final.
	ResultResponseAlready = "responseAlready"
)

// Kind is the RemoteFilter filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "RemoteFilter delegates a step to an HTTP service that may rewrite the request and the response.",
	Results:     []string{ResultFailed, ResultResponseAlready},
	DefaultSpec: func() any { return &Spec{} },
	New:         newRemoteFilter,
}

func init() { filter.Register(Kind) }

// RemoteFilter is a running RemoteFilter filter.
type RemoteFilter struct {
	filter.Base
	spec   *Spec
	err    error
	remote *remote
	// handedOver is set when a successor took remote over.
	handedOver atomic.Bool
}

var _ filter.Filter = (*RemoteFilter)(nil)

func newRemoteFilter(spec *filter.Spec) filter.Filter {
	f := &RemoteFilter{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		f.err = fmt.Errorf("remotefilter: spec body is %T, want *remotefilter.Spec", spec.Body)
		return f
	}
	f.spec = s
	f.err = s.Validate()
	return f
}

// Init creates the client of the service.
func (f *RemoteFilter) Init() error {
	if f.err != nil {
		return f.err
	}
	r, err := newRemote(f.spec)
	if err != nil {
		return err
	}
	f.remote = r
	return nil
}

// Inherit takes the previous filter's client and counters over when the
// url and timeout are unchanged, and creates a new client otherwise.
func (f *RemoteFilter) Inherit(previous filter.Filter) error {
	if f.err != nil {
		return f.err
	}
	if prev, ok := previous.(*RemoteFilter); ok && prev.remote != nil &&
		prev.remote.url == f.spec.URL && prev.remote.timeout == f.spec.timeout() {
		f.remote = prev.remote
		prev.handedOver.Store(true)
		return nil
	}
	return f.Init()
}

// Status is the filter's runtime status.
type Status struct {
	// Calls counts the calls made to the service.
	Calls uint64 `json:"calls"`
	// Failures counts the requests that returned "failed", calls not made
	// (oversized or streamed bodies) included.
	Failures uint64 `json:"failures"`
	// ResponseAlready counts the requests the service answered with 205.
	ResponseAlready uint64 `json:"responseAlready"`
}

// Status returns the counters.
func (f *RemoteFilter) Status() any {
	if f.remote == nil {
		return &Status{}
	}
	return &Status{
		Calls:           f.remote.calls.Load(),
		Failures:        f.remote.failures.Load(),
		ResponseAlready: f.remote.responseAlready.Load(),
	}
}

// Close closes the client's idle connections unless a successor took the
// client over.
func (f *RemoteFilter) Close() error {
	if f.remote != nil && !f.handedOver.Load() {
		f.remote.client.CloseIdleConnections()
	}
	return nil
}

// Handle calls the service and applies its reply.
func (f *RemoteFilter) Handle(ctx *filter.Context) string {
	r := f.remote
	if !ctx.Request().Valid() {
		return f.fail(ctx, errNoRequest)
	}
	buf := r.buffer()
	defer r.putBuffer(buf)
	if err := encodeContext(ctx, buf); err != nil {
		return f.fail(ctx, err)
	}
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	r.calls.Add(1)
	if err := r.call(buf.Bytes(), resp); err != nil {
		return f.fail(ctx, fmt.Errorf("calling the service: %w", err))
	}
	code := resp.StatusCode()
	if code < 200 || code > 299 {
		return f.fail(ctx, fmt.Errorf("the service answered %d", code))
	}
	body := resp.Body()
	if len(body) > MaxReplyBytes {
		return f.fail(ctx, errReplyTooLarge)
	}
	if code == fasthttp.StatusResetContent && len(body) == 0 {
		return f.responseAlready(ctx)
	}
	doc, err := decodeReply(body)
	if err != nil {
		return f.fail(ctx, err)
	}
	apply(ctx, doc)
	if code == fasthttp.StatusResetContent {
		return f.responseAlready(ctx)
	}
	return ""
}

// responseAlready makes sure a response exists and returns
// ResultResponseAlready.
func (f *RemoteFilter) responseAlready(ctx *filter.Context) string {
	f.remote.responseAlready.Add(1)
	if ctx.Response() == nil {
		ctx.NewResponse().SetStatusCode(fasthttp.StatusOK)
	}
	return ResultResponseAlready
}

// fail tags the reason, answers 503 and returns ResultFailed. It logs the
// failure unless another was logged within failureLogEvery (those in
// between are counted in the next warning).
func (f *RemoteFilter) fail(ctx *filter.Context, err error) string {
	f.remote.failures.Add(1)
	if logIt, suppressed := f.remote.warnings.Allow(time.Now()); logIt {
		f.Log().Warn("remote filter failed", "url", f.remote.url, "error", err, "suppressedSinceLast", suppressed)
	}
	ctx.AddTag("remoteFilterErr: " + err.Error())
	ctx.NewResponse().SetStatusCode(fasthttp.StatusServiceUnavailable)
	return ResultFailed
}
