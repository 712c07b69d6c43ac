package remotefilter

import (
	"bytes"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/internal/logevery"
	"github.com/valyala/fasthttp"
)

// DefaultTimeout bounds a call when the spec sets no timeout.
const DefaultTimeout = 30 * time.Second

// remote is the connection to the service: a HostClient for the URL and
// the counters. A successor filter with the same URL and timeout takes it
// over.
type remote struct {
	url     string
	timeout time.Duration
	client  *fasthttp.HostClient
	bufs    sync.Pool // *bytes.Buffer

	calls, failures, responseAlready atomic.Uint64
	// warnings keeps failures from flooding the log during an outage.
	warnings *logevery.Limiter
}

// newRemote returns the connection for a checked spec.
func newRemote(s *Spec) (*remote, error) {
	u, err := parseURL(s.URL)
	if err != nil {
		return nil, err
	}
	tls := u.Scheme == "https"
	port := u.Port()
	if port == "" {
		port = "80"
		if tls {
			port = "443"
		}
	}
	hc := &fasthttp.HostClient{
		Addr:  net.JoinHostPort(u.Hostname(), port),
		IsTLS: tls,
		Name:  "gatewright-remotefilter",
		// Busy connections are not capped, like Easegress's net/http
		// client: the timeout bounds each call.
		MaxConns:               math.MaxInt32,
		MaxIdleConnDuration:    10 * time.Second,
		MaxResponseBodySize:    MaxReplyBytes,
		DialDualStack:          true,
		DisablePathNormalizing: true,
	}
	return &remote{url: s.URL, timeout: s.timeout(), client: hc, warnings: logevery.New(failureLogEvery)}, nil
}

// buffer takes a reset buffer from the pool.
func (r *remote) buffer() *bytes.Buffer {
	if b, ok := r.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return &bytes.Buffer{}
}

// putBuffer returns a buffer to the pool unless it grew too big to keep.
func (r *remote) putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 4*MaxBodyBytes {
		r.bufs.Put(b)
	}
}

// call posts body to the service and fills resp, bounded by the timeout.
func (r *remote) call(body []byte, resp *fasthttp.Response) error {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI(r.url)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	req.SetBodyRaw(body)
	return r.client.DoDeadline(req, resp, time.Now().Add(r.timeout))
}
