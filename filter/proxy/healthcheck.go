package proxy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/valyala/fasthttp"
)

// Health check defaults.
const (
	defaultHealthInterval = 60 * time.Second
	defaultHealthTimeout  = 3 * time.Second
	// maxProbeBody is the largest probe reply body read.
	maxProbeBody = 1 << 20
)

// healthCheck is a compiled HealthCheckSpec.
type healthCheck struct {
	spec     *HealthCheckSpec
	interval time.Duration
	timeout  time.Duration
	fails    int
	passes   int
	uri      string
	method   string
	host     string
	headers  [][2]string
	auth     string
	ranges   [][2]int
	hdrMatch []backend.HeaderCheck
	bodyText []byte
	bodyRe   *regexp.Regexp
	// fingerprint identifies the check's settings.
	fingerprint string
}

// newHealthCheck compiles a validated spec.
func newHealthCheck(spec *HealthCheckSpec) (*healthCheck, error) {
	h := &healthCheck{
		spec:     spec,
		interval: spec.Interval.D(),
		timeout:  spec.Timeout.D(),
		fails:    spec.Fails,
		passes:   spec.Passes,
		uri:      spec.uri(),
		method:   spec.Method,
	}
	if h.interval <= 0 {
		h.interval = defaultHealthInterval
	}
	if h.timeout <= 0 {
		h.timeout = defaultHealthTimeout
	}
	if h.fails <= 0 {
		h.fails = 1
	}
	if h.passes <= 0 {
		h.passes = 1
	}
	if h.uri == "" {
		h.uri = "/"
	}
	if h.method == "" {
		h.method = fasthttp.MethodGet
	}
	for _, name := range sortedKeys(spec.Headers) {
		if strings.EqualFold(name, "Host") {
			h.host = spec.Headers[name]
			continue
		}
		h.headers = append(h.headers, [2]string{name, spec.Headers[name]})
	}
	if spec.Username != "" {
		h.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(spec.Username+":"+spec.Password))
	}
	h.ranges = [][2]int{{200, 399}}
	if m := spec.Match; m != nil {
		if len(m.StatusCodes) > 0 {
			h.ranges = m.StatusCodes
		}
		for _, hm := range m.Headers {
			hc, err := backend.NewHeaderCheck(hm.Name, hm.Value, hm.Type == "regexp")
			if err != nil {
				return nil, err
			}
			h.hdrMatch = append(h.hdrMatch, hc)
		}
		if b := m.Body; b != nil {
			if b.Type == "regexp" {
				re, err := regexp.Compile(b.Value)
				if err != nil {
					return nil, err
				}
				h.bodyRe = re
			} else if b.Value != "" {
				h.bodyText = []byte(b.Value)
			}
		}
	}
	fp, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	h.fingerprint = string(fp)
	return h, nil
}

// healthState is the health of one server as seen by one health check.
// Like upstream it is shared with reference counting by the generations
// using the same server URL and check settings, so health survives
// configuration updates. The probes of a state are run by the checker of
// the newest generation attached to it (the owner); the checkers of older
// generations leave it alone until they are closed.
type healthState struct {
	key     string
	healthy atomic.Bool
	refs    atomic.Int64
	// probe sends the probes (its own HostClient: the probe port may
	// differ from the server's).
	probe    *fasthttp.HostClient
	probeURL string

	mu      sync.Mutex
	owners  []uint64
	history backend.ProbeHistory
}

// newHealthState creates the health state of a server, holding one
// reference; it starts healthy.
func newHealthState(key string, u *serverURL, hc *healthCheck, cs *clientSettings) *healthState {
	addr := u.addr(hc.spec.Port)
	scheme := "http"
	if u.tls {
		scheme = "https"
	}
	st := &healthState{
		key:      key,
		probeURL: scheme + "://" + addr + hc.uri,
		probe: &fasthttp.HostClient{
			Addr:                addr,
			IsTLS:               u.tls,
			Name:                "gatewright-healthcheck",
			MaxConns:            4,
			MaxResponseBodySize: maxProbeBody,
			ReadBufferSize:      readBufferSize,
			DialDualStack:       true,
		},
	}
	if u.tls {
		st.probe.TLSConfig = cs.tls
	}
	st.healthy.Store(true)
	st.refs.Store(1)
	return st
}

// acquire takes one more reference; it fails once the state was released
// for good.
func (st *healthState) acquire() bool {
	for {
		n := st.refs.Load()
		if n <= 0 {
			return false
		}
		if st.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release drops a reference.
func (st *healthState) release() {
	if st.refs.Add(-1) == 0 {
		st.probe.CloseIdleConnections()
	}
}

// attach makes generation gen a candidate owner.
func (st *healthState) attach(gen uint64) {
	st.mu.Lock()
	st.owners = append(st.owners, gen)
	st.mu.Unlock()
}

// detach withdraws generation gen; an older attached generation takes the
// probes back.
func (st *healthState) detach(gen uint64) {
	st.mu.Lock()
	for i, g := range st.owners {
		if g == gen {
			st.owners = append(st.owners[:i], st.owners[i+1:]...)
			break
		}
	}
	st.mu.Unlock()
}

// ownerLocked returns the newest attached generation.
func (st *healthState) ownerLocked() uint64 {
	var max uint64
	for _, g := range st.owners {
		if g > max {
			max = g
		}
	}
	return max
}

// ownedBy reports whether generation gen runs the probes.
func (st *healthState) ownedBy(gen uint64) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.ownerLocked() == gen
}

// record applies a probe result of generation gen.
func (st *healthState) record(gen uint64, hc *healthCheck, err error, at time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ownerLocked() != gen {
		return
	}
	st.history.Record(err, at, hc.fails, hc.passes, &st.healthy)
}

// snapshot returns the state for status.
func (st *healthState) snapshot() (fails int, probes uint64, last time.Time, lastErr string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.history.Snapshot()
}

// probeOnce sends one probe and checks the reply.
func (h *healthCheck) probeOnce(st *healthState) error {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(st.probeURL)
	req.Header.SetMethod(h.method)
	if h.host != "" {
		req.Header.SetHost(h.host)
		req.UseHostHeader = true
	}
	for _, kv := range h.headers {
		req.Header.Set(kv[0], kv[1])
	}
	if h.auth != "" {
		req.Header.Set(fasthttp.HeaderAuthorization, h.auth)
	}
	if h.spec.Body != "" {
		req.SetBodyString(h.spec.Body)
	}
	if err := st.probe.DoTimeout(req, resp, h.timeout); err != nil {
		return err
	}
	if err := backend.CheckStatus(resp.StatusCode(), h.ranges); err != nil {
		return err
	}
	for i := range h.hdrMatch {
		hm := &h.hdrMatch[i]
		if err := hm.Check(string(resp.Header.Peek(hm.Name))); err != nil {
			return err
		}
	}
	if h.bodyRe != nil && !h.bodyRe.Match(resp.Body()) {
		return fmt.Errorf("body does not match %q", h.bodyRe.String())
	}
	if h.bodyText != nil && !bytes.Contains(resp.Body(), h.bodyText) {
		return fmt.Errorf("body does not contain %q", h.bodyText)
	}
	return nil
}

// healthChecker is the probing goroutine of one pool in one generation.
type healthChecker struct {
	gen    uint64
	check  *healthCheck
	states []*healthState
	stop   chan struct{}
	done   chan struct{}
}

// start attaches the generation to its states and starts probing.
func (c *healthChecker) start() {
	for _, st := range c.states {
		st.attach(c.gen)
	}
	c.stop = make(chan struct{})
	c.done = make(chan struct{})
	go c.run()
}

// close stops probing, waits for the goroutine and detaches.
func (c *healthChecker) close() {
	if c.stop == nil {
		return
	}
	close(c.stop)
	<-c.done
	c.stop = nil
	for _, st := range c.states {
		st.detach(c.gen)
	}
}

// run probes every interval until stopped.
func (c *healthChecker) run() {
	backend.ProbeLoop(c.check.interval, c.stop, c.done, c.round)
}

// round probes the owned states concurrently and waits for the results.
func (c *healthChecker) round() {
	var wg sync.WaitGroup
	for _, st := range c.states {
		if !st.ownedBy(c.gen) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.check.probeOnce(st)
			st.record(c.gen, c.check, err, time.Now())
		}()
	}
	wg.Wait()
}
