package websocketproxy

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/filter/proxy"
)

// Health check defaults.
const (
	defaultHealthInterval = 60 * time.Second
	defaultHealthTimeout  = 3 * time.Second
)

// healthChecker probes the servers of one pool in one generation.
type healthChecker struct {
	interval, timeout time.Duration
	fails, passes     int
	targets           []*probeTarget
	stop              chan struct{}
	done              chan struct{}
}

// probeTarget is one server with its probes and probe history.
type probeTarget struct {
	srv     *server
	http    *proxy.HTTPProbe
	ws      *wsProbe
	mu      sync.Mutex
	history backend.ProbeHistory
}

// newHealthChecker compiles a validated health check for servers.
func newHealthChecker(spec *HealthCheckSpec, servers []*server) (*healthChecker, error) {
	c := &healthChecker{
		interval: spec.Interval.D(),
		timeout:  spec.Timeout.D(),
		fails:    max(spec.Fails, 1),
		passes:   max(spec.Passes, 1),
	}
	if c.interval <= 0 {
		c.interval = defaultHealthInterval
	}
	if c.timeout <= 0 {
		c.timeout = defaultHealthTimeout
	}
	for _, s := range servers {
		t := &probeTarget{srv: s}
		if spec.HTTP != nil {
			hp, err := proxy.NewHTTPProbe(spec.HTTP.proxySpec(spec.Timeout), s.url.httpURL)
			if err != nil {
				c.closeProbes()
				return nil, err
			}
			t.http = hp
		}
		if spec.WS != nil {
			wp, err := newWSProbe(spec.WS, s.url, c.timeout)
			if err != nil {
				c.closeProbes()
				return nil, err
			}
			t.ws = wp
		}
		c.targets = append(c.targets, t)
	}
	return c, nil
}

// start starts probing.
func (c *healthChecker) start() {
	c.stop = make(chan struct{})
	c.done = make(chan struct{})
	go c.run()
}

// close stops probing and waits for the probing goroutine.
func (c *healthChecker) close() {
	if c.stop != nil {
		close(c.stop)
		<-c.done
		c.stop = nil
	}
	c.closeProbes()
}

func (c *healthChecker) closeProbes() {
	for _, t := range c.targets {
		if t.http != nil {
			t.http.Close()
		}
	}
}

// run probes every interval until stopped.
func (c *healthChecker) run() {
	backend.ProbeLoop(c.interval, c.stop, c.done, c.round)
}

// round probes every server concurrently and waits for the results.
func (c *healthChecker) round() {
	var wg sync.WaitGroup
	for _, t := range c.targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.record(c, t.probe(), time.Now())
		}()
	}
	wg.Wait()
}

// probe runs the target's probes; both must pass.
func (t *probeTarget) probe() error {
	if t.http != nil {
		if err := t.http.Probe(); err != nil {
			return fmt.Errorf("http probe: %w", err)
		}
	}
	if t.ws != nil {
		if err := t.ws.probe(); err != nil {
			return fmt.Errorf("ws probe: %w", err)
		}
	}
	return nil
}

// record applies a probe result.
func (t *probeTarget) record(c *healthChecker, err error, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.history.Record(err, at, c.fails, c.passes, &t.srv.healthy)
}

// snapshot returns the probe history for status.
func (t *probeTarget) snapshot() (fails int, probes uint64, last time.Time, lastErr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.history.Snapshot()
}

// wsProbe is a WebSocket handshake probe of one server.
type wsProbe struct {
	url     string
	header  http.Header
	ranges  [][2]int
	headers []backend.HeaderCheck
	timeout time.Duration
	dialer  *websocket.Dialer
}

// newWSProbe compiles a validated WebSocket probe for the server at u.
func newWSProbe(spec *WSProbeSpec, u *serverURL, timeout time.Duration) (*wsProbe, error) {
	uri := spec.URI
	if uri == "" {
		uri = "/"
	}
	p := &wsProbe{
		url:     u.withPort(spec.Port, false, uri),
		header:  http.Header{},
		ranges:  [][2]int{{101, 101}},
		timeout: timeout,
		dialer: &websocket.Dialer{
			HandshakeTimeout: timeout,
			TLSClientConfig:  &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, // #nosec G402 -- as the Proxy without mtls
		},
	}
	names := make([]string, 0, len(spec.Headers))
	for name := range spec.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.EqualFold(name, "Host") {
			p.header.Set("Host", spec.Headers[name])
			continue
		}
		p.header.Set(name, spec.Headers[name])
	}
	if m := spec.Match; m != nil {
		if len(m.StatusCodes) > 0 {
			p.ranges = m.StatusCodes
		}
		for _, hm := range m.Headers {
			hc, err := backend.NewHeaderCheck(hm.Name, hm.Value, hm.Type == "regexp")
			if err != nil {
				return nil, fieldError("match.headers", "invalid regular expression: %v", err)
			}
			p.headers = append(p.headers, hc)
		}
	}
	return p, nil
}

// probe performs one handshake and checks the reply; a connection it
// opens is closed normally at once.
func (p *wsProbe) probe() error {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	conn, resp, err := p.dialer.DialContext(ctx, p.url, p.header)
	if conn != nil {
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "health check"), time.Now().Add(p.timeout))
		_ = conn.Close()
	}
	if resp == nil {
		return err
	}
	if resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err := backend.CheckStatus(resp.StatusCode, p.ranges); err != nil {
		return err
	}
	for i := range p.headers {
		hc := &p.headers[i]
		if err := hc.Check(resp.Header.Get(hc.Name)); err != nil {
			return err
		}
	}
	return nil
}
