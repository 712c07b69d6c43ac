package websocketproxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/valyala/fasthttp"
)

func TestEchoTextAndBinary(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`))
	c := mustDial(t, g, "/chat?room=1", &websocket.DialOptions{HTTPHeader: http.Header{"X-Token": {"t-1"}}})
	if got := roundTrip(t, c, websocket.MessageText, []byte("hello")); string(got) != "hello" {
		t.Fatalf("echo %q", got)
	}
	bin := []byte{0, 1, 2, 255}
	if got := roundTrip(t, c, websocket.MessageBinary, bin); !bytes.Equal(got, bin) {
		t.Fatalf("binary echo %v", got)
	}
	h := up.lastHeader()
	if h.Get("X-Token") != "t-1" || h.Get("X-Forwarded-For") != "127.0.0.1" || h.Get("X-Forwarded-Proto") != "http" ||
		h.Get("X-Forwarded-Host") != g.Addr {
		t.Fatalf("upstream handshake headers %v", h)
	}
	if g.lastResult() != "" {
		t.Fatalf("result %q", g.lastResult())
	}
}

func TestLargeMessagesBothWays(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}], "clientMaxMsgSize": -1, "serverMaxMsgSize": -1}]}`))
	c := mustDial(t, g, "/", nil)
	big := make([]byte, 4<<20)
	_, _ = rand.Read(big)
	if got := roundTrip(t, c, websocket.MessageBinary, big); !bytes.Equal(got, big) {
		t.Fatalf("4 MiB echo came back as %d different bytes", len(got))
	}
	text := strings.Repeat("gatewright ", 200_000)
	if got := roundTrip(t, c, websocket.MessageText, []byte(text)); string(got) != text {
		t.Fatalf("2 MiB text echo came back as %d bytes", len(got))
	}
}

func TestClientMessageTooBig(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}], "clientMaxMsgSize": 1000}]}`))
	c := mustDial(t, g, "/", nil)
	if got := roundTrip(t, c, websocket.MessageBinary, make([]byte, 1000)); len(got) != 1000 {
		t.Fatalf("a message of exactly the limit came back as %d bytes", len(got))
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageBinary, make([]byte, 1001)); err != nil {
		t.Fatal(err)
	}
	if ce := readClose(t, c); ce.Code != websocket.StatusMessageTooBig {
		t.Fatalf("client got close %v, want 1009", ce)
	}
	if ce := up.waitClose(t); ce.Code != websocket.StatusGoingAway || ce.Reason != "client message too big" {
		t.Fatalf("upstream got close %v, want 1001 client message too big", ce)
	}
}

func TestServerMessageTooBig(t *testing.T) {
	up := startEcho(t, "a")
	// The default limit, 32768 bytes, applies to what the server sends:
	// the client's message is echoed back one byte over it.
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}], "clientMaxMsgSize": -1}]}`))
	c := mustDial(t, g, "/", nil)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageBinary, make([]byte, DefaultMaxMsgSize+1)); err != nil {
		t.Fatal(err)
	}
	if ce := readClose(t, c); ce.Code != websocket.StatusGoingAway || ce.Reason != "server message too big" {
		t.Fatalf("client got close %v, want 1001 server message too big", ce)
	}
	if ce := up.waitClose(t); ce.Code != websocket.StatusMessageTooBig {
		t.Fatalf("upstream got close %v, want 1009", ce)
	}
}

func TestClientCloseReachesUpstream(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`))
	c := mustDial(t, g, "/", nil)
	roundTrip(t, c, websocket.MessageText, []byte("hi"))
	// Close waits for the far end's answer to complete the handshake.
	if err := c.Close(4000, "done for today"); err != nil {
		t.Fatalf("closing handshake through the proxy: %v", err)
	}
	if ce := up.waitClose(t); ce.Code != 4000 || ce.Reason != "done for today" {
		t.Fatalf("upstream got close %v", ce)
	}
}

func TestUpstreamCloseReachesClient(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`))
	c := mustDial(t, g, "/", nil)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte("close 4001 maintenance")); err != nil {
		t.Fatal(err)
	}
	if ce := readClose(t, c); ce.Code != 4001 || ce.Reason != "maintenance" {
		t.Fatalf("client got close %v", ce)
	}
}

func TestUpstreamDropGoesAway(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`))
	c := mustDial(t, g, "/", nil)
	roundTrip(t, c, websocket.MessageText, []byte("hi"))
	up.closeConns()
	if ce := readClose(t, c); ce.Code != websocket.StatusGoingAway || ce.Reason != "server went away" {
		t.Fatalf("client got close %v", ce)
	}
}

func TestSubprotocolChosenByUpstream(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`))
	c := mustDial(t, g, "/", &websocket.DialOptions{Subprotocols: []string{"chat", "superchat"}})
	if c.Subprotocol() != "superchat" {
		t.Fatalf("subprotocol %q, want the upstream's choice superchat", c.Subprotocol())
	}
}

func TestOriginCheck(t *testing.T) {
	up := startEcho(t, "a")
	cases := []struct {
		pool, origin string
		status       int
	}{
		{`{"servers": [{"url": "` + up.url + `"}]}`, "https://evil.example", http.StatusForbidden},
		{`{"servers": [{"url": "` + up.url + `"}], "originPatterns": ["*.good.example"]}`, "https://app.good.example", http.StatusSwitchingProtocols},
		{`{"servers": [{"url": "` + up.url + `"}], "originPatterns": ["*.good.example"]}`, "https://good.example.evil", http.StatusForbidden},
		{`{"servers": [{"url": "` + up.url + `"}], "insecureSkipVerify": true}`, "https://evil.example", http.StatusSwitchingProtocols},
		{`{"servers": [{"url": "` + up.url + `"}]}`, "not a url", http.StatusForbidden},
	}
	for _, tc := range cases {
		g := serveFilter(t, newFilter(t, `{"pools": [`+tc.pool+`]}`))
		_, resp, err := dial(t, g, "/", &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {tc.origin}}})
		if resp == nil {
			t.Fatalf("origin %q: no reply: %v", tc.origin, err)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("pool %s origin %q: status %d, want %d (%v)", tc.pool, tc.origin, resp.StatusCode, tc.status, err)
		}
		if tc.status == http.StatusForbidden && g.lastResult() != ResultClientError {
			t.Errorf("origin %q: result %q", tc.origin, g.lastResult())
		}
	}
}

func TestNotAHandshake(t *testing.T) {
	up := startEcho(t, "a")
	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`))
	for _, tc := range []struct {
		method  string
		headers map[string]string
		status  int
	}{
		{"GET", nil, 400},
		{"POST", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket"}, 405},
		{"GET", map[string]string{"Connection": "keep-alive, Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "8", "Sec-WebSocket-Key": "x"}, 426},
		{"GET", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13"}, 400},
	} {
		req := fasthttp.AcquireRequest()
		req.Header.SetMethod(tc.method)
		req.SetRequestURI("/")
		for k, v := range tc.headers {
			req.Header.Set(k, v)
		}
		var resp fasthttp.Response
		if err := g.Do(req, &resp); err != nil {
			t.Fatal(err)
		}
		fasthttp.ReleaseRequest(req)
		if resp.StatusCode() != tc.status || g.lastResult() != ResultClientError {
			t.Errorf("%s %v: %d %q, result %q; want %d clientError", tc.method, tc.headers, resp.StatusCode(), resp.Body(), g.lastResult(), tc.status)
		}
	}
}

func TestUpstreamFailures(t *testing.T) {
	up := startEcho(t, "a")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "ws://" + ln.Addr().String()
	_ = ln.Close()

	g := serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+dead+`"}]}]}`))
	_, resp, _ := dial(t, g, "/", nil)
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable || g.lastResult() != ResultServerError {
		t.Fatalf("unreachable upstream: %v, result %q", resp, g.lastResult())
	}

	g = serveFilter(t, newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`))
	_, resp, _ = dial(t, g, "/refuse", nil)
	if resp == nil || resp.StatusCode != http.StatusUnauthorized || g.lastResult() != ResultServerError {
		t.Fatalf("refusing upstream: %v, result %q", resp, g.lastResult())
	}
}

func TestDetachedRequestIsInternalError(t *testing.T) {
	up := startEcho(t, "a")
	f := newFilter(t, `{"pools": [{"servers": [{"url": "`+up.url+`"}]}]}`)
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	ctx := detached(req)
	defer ctx.Finish()
	if r := f.Handle(ctx); r != ResultInternalError || ctx.Response().StatusCode() != 500 {
		t.Fatalf("result %q status %d", r, ctx.Response().StatusCode())
	}
}

func TestRoundRobinAndCandidatePool(t *testing.T) {
	a, b, c := startEcho(t, "a"), startEcho(t, "b"), startEcho(t, "c")
	g := serveFilter(t, newFilter(t, `{"pools": [
		{"filter": {"headers": {"X-Canary": {"exact": "yes"}}}, "servers": [{"url": "`+c.url+`"}]},
		{"servers": [{"url": "`+a.url+`"}, {"url": "`+b.url+`"}]}]}`))
	seen := map[string]int{}
	for range 4 {
		conn := mustDial(t, g, "/", nil)
		seen[string(roundTrip(t, conn, websocket.MessageText, []byte("whoami")))]++
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}
	if seen["a"] != 2 || seen["b"] != 2 {
		t.Fatalf("round robin spread %v", seen)
	}
	conn := mustDial(t, g, "/", &websocket.DialOptions{HTTPHeader: http.Header{"X-Canary": {"yes"}}})
	if who := roundTrip(t, conn, websocket.MessageText, []byte("whoami")); string(who) != "c" {
		t.Fatalf("candidate pool answered by %q", who)
	}
}

func TestHealthCheckSkipsDeadServer(t *testing.T) {
	for name, check := range map[string]string{
		"healthCheck":                        `"healthCheck": {"interval": "50ms", "timeout": "1s", "ws": {"uri": "/"}, "http": {"uri": "/health"}}`,
		"deprecated loadBalance.healthCheck": `"loadBalance": {"healthCheck": {"interval": "50ms", "timeout": "1s", "uri": "/health"}}`,
	} {
		t.Run(name, func(t *testing.T) { testHealthCheckSkipsDeadServer(t, check) })
	}
}

func testHealthCheckSkipsDeadServer(t *testing.T, check string) {
	a := startEcho(t, "a")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "ws://" + ln.Addr().String()
	_ = ln.Close()
	f := newFilter(t, `{"pools": [{"servers": [{"url": "`+dead+`"}, {"url": "`+a.url+`"}], `+check+`}]}`)
	g := serveFilter(t, f)
	deadline := time.Now().Add(wait)
	for {
		st := f.Status().(*Status)
		s0, s1 := st.Pools[0].Servers[0], st.Pools[0].Servers[1]
		if !s0.Healthy && s1.Healthy && s1.Probes > 0 {
			if s0.LastProbeError == "" {
				t.Fatalf("dead server has no probe error: %+v", s0)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health never settled: %+v", st.Pools[0].Servers)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for range 4 {
		conn := mustDial(t, g, "/", nil)
		if who := roundTrip(t, conn, websocket.MessageText, []byte("whoami")); string(who) != "a" {
			t.Fatalf("answered by %q", who)
		}
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}
}

func TestInheritKeepsSessionsAndCloseEndsThem(t *testing.T) {
	up := startEcho(t, "a")
	spec := `{"pools": [{"servers": [{"url": "` + up.url + `"}]}]}`
	old := newFilter(t, spec)
	g := serveFilter(t, old)
	c := mustDial(t, g, "/", nil)
	roundTrip(t, c, websocket.MessageText, []byte("before"))

	next := New(old.Spec()).(*WebSocketProxy)
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	_ = old.Close()
	if got := roundTrip(t, c, websocket.MessageText, []byte("after the update")); string(got) != "after the update" {
		t.Fatalf("echo %q", got)
	}
	if st := next.Status().(*Status); st.ActiveSessions != 1 {
		t.Fatalf("status %+v", st)
	}
	_ = next.Close()
	if ce := readClose(t, c); ce.Code != websocket.StatusGoingAway || ce.Reason != "gateway shutting down" {
		t.Fatalf("client got close %v", ce)
	}
	if ce := up.waitClose(t); ce.Code != websocket.StatusGoingAway {
		t.Fatalf("upstream got close %v", ce)
	}
	deadline := time.Now().Add(wait)
	for next.Status().(*Status).ActiveSessions != 0 {
		if time.Now().After(deadline) {
			t.Fatal("sessions still counted after close")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
