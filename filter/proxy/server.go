package proxy

import (
	"crypto/tls"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/internal/telemetry"
	"github.com/valyala/fasthttp"
)

// readBufferSize is the per-connection read buffer of upstream clients;
// it bounds the size of a reply header.
const readBufferSize = 8 << 10

// upstream is the connection pool of one upstream server: its HostClient
// and request counters. It is shared, with reference counting, by every
// Proxy generation (and every pool of a generation) that uses the same
// server URL with the same client settings, so connections survive
// configuration updates. The last release closes its idle connections.
type upstream struct {
	// key identifies the URL and client settings.
	key string
	// client sends the requests.
	client *fasthttp.HostClient
	// refs counts the holders; 0 means released for good.
	refs atomic.Int64

	requests atomic.Uint64
	failures atomic.Uint64
	latency  telemetry.Histogram // upstream latency (telemetry.go)
}

// clientSettings are the HostClient settings that decide whether an
// upstream can be shared.
type clientSettings struct {
	// maxIdle caps the idle connections kept per server; busy ones are
	// not capped.
	maxIdle int
	maxBody int64
	tls     *tls.Config
	// tlsKey identifies the TLS settings (a hash of the mtls spec).
	tlsKey string
}

// upstreamKey identifies a server URL with client settings.
func upstreamKey(rawURL string, cs *clientSettings) string {
	return rawURL + "|idle=" + strconv.Itoa(cs.maxIdle) + "|body=" + strconv.FormatInt(cs.maxBody, 10) + "|tls=" + cs.tlsKey
}

// newUpstream creates the connection pool of a server, holding one
// reference.
func newUpstream(key string, u *serverURL, cs *clientSettings) *upstream {
	hc := &fasthttp.HostClient{
		Addr:  u.addr(0),
		IsTLS: u.tls,
		// Like Easegress (net/http), busy connections are not capped: a
		// request over a cap would fail at once. The client connections
		// of the HTTPServer (maxConnections) bound them in practice.
		MaxConns:                 math.MaxInt32,
		MaxIdleConnDuration:      10 * time.Second,
		ReadBufferSize:           readBufferSize,
		DialDualStack:            true,
		DisablePathNormalizing:   true,
		NoDefaultUserAgentHeader: true,
		Transport:                &transport{maxBody: cs.maxBody, maxIdle: cs.maxIdle},
	}
	if u.tls {
		hc.TLSConfig = cs.tls // fasthttp runs TLS over the dialled sendWaitConn
	}
	hc.DialTimeout = dialSendWait
	up := &upstream{key: key, client: hc}
	up.refs.Store(1)
	return up
}

// acquire takes one more reference; it fails once the upstream was
// released for good.
func (u *upstream) acquire() bool {
	for {
		n := u.refs.Load()
		if n <= 0 {
			return false
		}
		if u.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release drops a reference; the last one closes the idle connections.
// Connections still in use are closed by the HostClient when they come
// back idle.
func (u *upstream) release() {
	if u.refs.Add(-1) == 0 {
		u.client.CloseIdleConnections()
	}
}

// server is one server of a pool in one Proxy generation.
type server struct {
	spec *ServerSpec
	url  *serverURL
	up   *upstream
	// health is nil when the pool has no health check.
	health *healthState
	// hostHeader is the URL's host, sent as Host unless useClientHost.
	hostHeader []byte
	// useClientHost keeps the client's Host: keepHost, or an IP URL
	// without setUpstreamHost.
	useClientHost bool
	// scheme is http or https.
	scheme string
	// spanName names the client span of calls (the pool's spanName).
	spanName string
}

// healthy reports whether load balancing may choose the server.
func (s *server) healthy() bool { return s.health == nil || s.health.healthy.Load() }

// Healthy implements backend.StickyServer.
func (s *server) Healthy() bool { return s.healthy() }

// StickyKey implements backend.StickyServer: the server URL.
func (s *server) StickyKey() string { return s.spec.URL }

// prepare sets the Host header and the scheme for this server. It does
// not allocate.
func (s *server) prepare(req *fasthttp.Request) {
	if !s.useClientHost || len(req.Header.Host()) == 0 {
		req.Header.SetHostBytes(s.hostHeader)
	}
	req.UseHostHeader = true
	uri := req.URI()
	if (string(uri.Scheme()) == "https") != s.url.tls {
		uri.SetScheme(s.scheme)
	}
}

// do sends req and reads the reply into resp, bounded by timeout if > 0.
func (s *server) do(req *fasthttp.Request, resp *fasthttp.Response, timeout time.Duration) error {
	s.up.requests.Add(1)
	var err error
	if timeout > 0 {
		err = s.up.client.DoTimeout(req, resp, timeout)
	} else {
		req.SetTimeout(0)
		err = s.up.client.Do(req, resp)
	}
	if err != nil {
		s.up.failures.Add(1)
	}
	return err
}
