package proxy

import (
	"encoding/base64"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// healthUpstream answers /health with 200 "ready" while ok holds, 500
// otherwise, provided the probe carries the expected basic auth and host.
type healthUpstream struct {
	*testUpstream
	ok     atomic.Bool
	probes atomic.Int64
}

func startHealthUpstream(t *testing.T) *healthUpstream {
	h := &healthUpstream{}
	h.ok.Store(true)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("probe:secret"))
	h.testUpstream = startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		if string(ctx.Path()) != "/health" {
			ctx.SetBodyString(h.addr)
			return
		}
		h.probes.Add(1)
		if string(ctx.Request.Header.Peek("Authorization")) != auth || string(ctx.Host()) != "probe.internal" {
			ctx.SetStatusCode(401)
			return
		}
		ctx.Response.Header.Set("X-Health", "green")
		if h.ok.Load() {
			ctx.SetBodyString("ready")
			return
		}
		ctx.SetStatusCode(500)
	})
	return h
}

const healthCheckDoc = `"healthCheck":{"interval":"20ms","timeout":"1s","uri":"/health","fails":2,"passes":1,
  "headers":{"Host":"probe.internal"},"username":"probe","password":"secret",
  "match":{"statusCodes":[[200,299]],"headers":[{"name":"X-Health","value":"^gr","type":"regexp"}],"body":{"value":"read"}}}`

// serverHealthy reads a server's health from the status.
func serverHealthy(p *Proxy, url string) bool {
	for _, pl := range p.Status().(*Status).Pools {
		for _, s := range pl.Servers {
			if s.URL == url {
				return s.Healthy
			}
		}
	}
	return false
}

func TestHealthCheckMarksServersDownAndUp(t *testing.T) {
	a, b := startHealthUpstream(t), startHealthUpstream(t)
	p := startProxy(t, `{"pools":[`+poolDoc(healthCheckDoc, a.url, b.url)+`]}`)

	waitFor(t, "probes of both servers", 5*time.Second, func() bool { return a.probes.Load() > 0 && b.probes.Load() > 0 })
	if !serverHealthy(p, a.url) || !serverHealthy(p, b.url) {
		t.Fatalf("servers not healthy: %s", statusJSON(t, p))
	}

	a.ok.Store(false)
	waitFor(t, "a marked down", 5*time.Second, func() bool { return !serverHealthy(p, a.url) })
	for i := 0; i < 10; i++ {
		if r := call(t, p, "10.0.0.1", nil); r.body != b.addr {
			t.Fatalf("request %d went to %q while a is down", i, r.body)
		}
	}

	b.ok.Store(false)
	waitFor(t, "b marked down", 5*time.Second, func() bool { return !serverHealthy(p, b.url) })
	if r := call(t, p, "10.0.0.1", nil); r.result != ResultInternalError || r.status != 503 {
		t.Fatalf("no healthy server: %+v", r)
	}

	a.ok.Store(true)
	waitFor(t, "a marked up", 5*time.Second, func() bool { return serverHealthy(p, a.url) })
	if r := call(t, p, "10.0.0.1", nil); r.body != a.addr {
		t.Fatalf("request went to %q after a came back", r.body)
	}

	status := statusJSON(t, p)
	if strings.Contains(status, "secret") || !strings.Contains(status, `"password":"******"`) {
		t.Fatalf("status shows the probe password: %s", status)
	}
	if !strings.Contains(status, `"lastProbeError":"status 500 is not in [[200 299]]"`) {
		t.Fatalf("status lacks the probe error: %s", status)
	}
}

func TestHealthCheckMatchesReply(t *testing.T) {
	up := startHealthUpstream(t)
	// The body must contain "missing": every probe fails.
	doc := strings.Replace(healthCheckDoc, `"body":{"value":"read"}`, `"body":{"value":"missing"}`, 1)
	doc = strings.Replace(doc, `"fails":2`, `"fails":1`, 1)
	p := startProxy(t, `{"pools":[`+poolDoc(doc, up.url)+`]}`)
	waitFor(t, "server marked down by the body match", 5*time.Second, func() bool { return !serverHealthy(p, up.url) })
}
