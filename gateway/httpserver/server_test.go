package httpserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func serverDoc(name string, port int, rest string) string {
	return fmt.Sprintf("kind: HTTPServer\nname: %s\nport: %d\n%s", name, port, rest)
}

func TestServeRoutesToPipelines(t *testing.T) {
	h := newHarness(t)
	h.pipeline("orders", "")
	h.pipeline("users", "")
	h.pipeline("silent", "mode: none")
	port := freePort(t)
	h.server(serverDoc("edge", port, `xForwardedFor: true
rules:
- host: api.test
  paths:
  - {pathPrefix: /orders/, rewriteTarget: /v2/orders/, backend: orders}
  - {path: /users, methods: [GET], backend: users}
  - {path: /gone, backend: nosuchpipeline}
  - {path: /silent, backend: silent}
  - {path: /hdr, headers: [{key: X-Need, values: ["yes"]}], setHeaders: {X-Set: "from-$host"}, backend: users}
  - {path: /blocked, ipFilter: {blockIPs: [127.0.0.1]}, backend: users}
`))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := newClient(t)
	host := map[string]string{"Host": "api.test"}

	r := do(t, c, "GET", base+"/orders/7?x=1", nil, host)
	if r.status != 200 || r.body != "pipeline=orders uri=/v2/orders/7?x=1 len=0" {
		t.Fatalf("orders: %d %q", r.status, r.body)
	}
	if got := r.header.Get("X-Echo-Xff"); got != "127.0.0.1" {
		t.Errorf("X-Forwarded-For seen by the pipeline: %q", got)
	}
	r = do(t, c, "GET", base+"/users", nil, map[string]string{"Host": "api.test", "X-Forwarded-For": "203.0.113.9"})
	if r.status != 200 || !strings.HasPrefix(r.body, "pipeline=users ") {
		t.Fatalf("users: %d %q", r.status, r.body)
	}
	if xff, ip := r.header.Get("X-Echo-Xff"), r.header.Get("X-Echo-Realip"); xff != "203.0.113.9, 127.0.0.1" || ip != "203.0.113.9" {
		t.Errorf("X-Forwarded-For %q, real IP %q", xff, ip)
	}
	r = do(t, c, "GET", base+"/hdr", nil, map[string]string{"Host": "api.test:8080", "X-Need": "yes"})
	if r.status != 200 || r.header.Get("X-Echo-Set") != "from-api.test" {
		t.Fatalf("setHeaders: %d %q %q", r.status, r.body, r.header.Get("X-Echo-Set"))
	}

	for _, c2 := range []struct {
		method, path string
		header       map[string]string
		status       int
	}{
		{"POST", "/users", host, 405},
		{"GET", "/hdr", host, 400},
		{"GET", "/nothing", host, 404},
		{"GET", "/users", map[string]string{"Host": "other.test"}, 404},
		{"GET", "/gone", host, 503},
		{"GET", "/silent", host, 503},
		{"GET", "/blocked", host, 403},
	} {
		r := do(t, c, c2.method, base+c2.path, nil, c2.header)
		if r.status != c2.status {
			t.Errorf("%s %s: status %d, want %d (%q)", c2.method, c2.path, r.status, c2.status, r.body)
		}
	}
}

func TestMissingPipelineAppearsLater(t *testing.T) {
	h := newHarness(t)
	port := freePort(t)
	h.server(serverDoc("edge", port, "rules: [{paths: [{backend: late}]}]\n"))
	url := fmt.Sprintf("http://127.0.0.1:%d/x", port)
	c := newClient(t)
	if r := do(t, c, "GET", url, nil, nil); r.status != 503 {
		t.Fatalf("before the pipeline exists: %d", r.status)
	}
	p := h.pipeline("late", "")
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 {
		t.Fatalf("after: %d %q", r.status, r.body)
	}
	// A deleted pipeline is a 503 again; a closing one is never used.
	h.refs.Set("late", nil)
	_ = p.Close()
	if r := do(t, c, "GET", url, nil, nil); r.status != 503 {
		t.Fatalf("after delete: %d", r.status)
	}
}

func TestBodyLimits(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, `clientMaxBodySize: 10
rules:
- paths:
  - {path: /big, clientMaxBodySize: 100, backend: p}
  - {path: /stream, clientMaxBodySize: -1, backend: p}
  - {backend: p}
`))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := newClient(t)
	chunked := func(n int) io.Reader { return io.MultiReader(bytes.NewReader(bytes.Repeat([]byte("c"), n))) }
	multipart := func(n int) io.Reader {
		head := "--xx\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n"
		tail := "\r\n--xx--\r\n"
		return strings.NewReader(head + strings.Repeat("m", n-len(head)-len(tail)) + tail)
	}
	for _, tc := range []struct {
		name   string
		path   string
		body   io.Reader
		status int
		want   string
	}{
		{"at the server cap", "/", strings.NewReader("0123456789"), 200, "len=10"},
		{"over the server cap", "/", strings.NewReader("0123456789x"), 413, ""},
		{"chunked within the cap", "/", chunked(7), 200, "len=7"},
		{"chunked over the cap", "/", chunked(11), 413, ""},
		{"path cap", "/big", strings.NewReader(strings.Repeat("b", 100)), 200, "len=100"},
		{"over the path cap", "/big", strings.NewReader(strings.Repeat("b", 101)), 413, ""},
		{"big chunked over the path cap", "/big", chunked(1 << 20), 413, ""},
		{"multipart within the cap is passed on raw", "/big", multipart(60), 200, "len=60"},
		{"multipart over the cap", "/big", multipart(200), 413, ""},
		{"unlimited, streamed", "/stream", bytes.NewReader(make([]byte, 9<<20)), 200, fmt.Sprintf("len=%d", 9<<20)},
		{"unlimited, chunked", "/stream", chunked(5 << 20), 200, fmt.Sprintf("len=%d", 5<<20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, c, "POST", base+tc.path, tc.body, map[string]string{"Content-Type": "multipart/form-data; boundary=xx"})
			if r.status != tc.status || !strings.HasSuffix(r.body, tc.want) {
				t.Fatalf("status %d body %q, want %d ...%s", r.status, r.body, tc.status, tc.want)
			}
			// Capped bodies reach the pipeline in memory, unlimited ones
			// as a stream.
			if streamed := r.header.Get("X-Echo-Streamed") == "yes"; r.status == 200 && streamed != (tc.path == "/stream") {
				t.Fatalf("streamed=%v on %s", streamed, tc.path)
			}
		})
	}
	// The default cap is 4 MiB.
	port2 := freePort(t)
	h.server(serverDoc("edge2", port2, "rules: [{paths: [{backend: p}]}]\n"))
	url := fmt.Sprintf("http://127.0.0.1:%d/", port2)
	if r := do(t, c, "POST", url, bytes.NewReader(make([]byte, 4<<20)), nil); r.status != 200 {
		t.Fatalf("4 MiB: %d", r.status)
	}
	// Over the cap, the answer comes without reading the body (a client
	// still writing it may see the connection reset, so the request is
	// written by hand, with only the start of its body).
	if code := rawStatus(t, fmt.Sprintf("127.0.0.1:%d", port2), fmt.Sprintf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s", 4<<20+1, make([]byte, 64<<10))); code != 413 {
		t.Fatalf("4 MiB + 1: %d", code)
	}
}

// rawStatus writes a request head on a new connection and returns the
// response status.
func rawStatus(t *testing.T, addr, head string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestInheritKeepsListenerAndConnections(t *testing.T) {
	h := newHarness(t)
	h.pipeline("a", "")
	h.pipeline("b", "")
	port := freePort(t)
	s1 := h.server(serverDoc("edge", port, "rules: [{paths: [{backend: a}]}]\n"))
	url := fmt.Sprintf("http://127.0.0.1:%d/x", port)
	c := newClient(t)
	r := do(t, c, "GET", url, nil, nil)
	if r.status != 200 || !strings.HasPrefix(r.body, "pipeline=a ") || r.reused {
		t.Fatalf("first request: %+v", r)
	}

	s2 := h.newServerObject(serverDoc("edge", port, "keepAliveTimeout: 30s\nrules: [{paths: [{backend: b}]}]\n"))
	if err := s2.Inherit(s1); err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil { // what the supervisor does after a successful Inherit
		t.Fatal(err)
	}
	if st := s1.Status().(Status); st.Listening {
		t.Fatalf("previous generation still owns the listener: %+v", st)
	}
	r = do(t, c, "GET", url, nil, nil)
	if r.status != 200 || !strings.HasPrefix(r.body, "pipeline=b ") {
		t.Fatalf("after the update: %+v", r)
	}
	if !r.reused {
		t.Fatal("the keep-alive connection was not reused across the update")
	}
	st := s2.Status().(Status)
	if !st.Listening || st.AcceptedConnections != 1 || st.OpenConnections != 1 {
		t.Fatalf("status after the update: %+v", st)
	}

	// A change of port binds the new port first; the old keeps serving
	// until the previous generation is closed.
	port2 := freePort(t)
	s3 := h.newServerObject(serverDoc("edge", port2, "rules: [{paths: [{backend: a}]}]\n"))
	if err := s3.Inherit(s2); err != nil {
		t.Fatal(err)
	}
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=b ") {
		t.Fatalf("old port before closing the previous generation: %+v", r)
	}
	url2 := fmt.Sprintf("http://127.0.0.1:%d/x", port2)
	if r := do(t, c, "GET", url2, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=a ") {
		t.Fatalf("new port: %+v", r)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the old port to refuse connections", func() bool {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err != nil {
			return true
		}
		conn.Close()
		return false
	})

	// Binding a port that is taken fails; the running generation keeps
	// serving.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	s4 := h.newServerObject(serverDoc("edge", taken.Addr().(*net.TCPAddr).Port, "rules: [{paths: [{backend: b}]}]\n"))
	err = s4.Inherit(s3)
	if err == nil || !strings.Contains(err.Error(), "keeps serving") {
		t.Fatalf("inherit onto a taken port: %v", err)
	}
	_ = s4.Close()
	if r := do(t, c, "GET", url2, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=a ") {
		t.Fatalf("after the refused update: %+v", r)
	}
}

func TestInheritSwitchesKeepAliveOff(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	s1 := h.server(serverDoc("edge", port, "rules: [{paths: [{backend: p}]}]\n"))
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	c := newClient(t)
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || r.close {
		t.Fatalf("%+v", r)
	}
	s2 := h.newServerObject(serverDoc("edge", port, "keepAlive: false\nrules: [{paths: [{backend: p}]}]\n"))
	if err := s2.Inherit(s1); err != nil {
		t.Fatal(err)
	}
	_ = s1.Close()
	r := do(t, c, "GET", url, nil, nil)
	if !r.reused || !r.close {
		t.Fatalf("the open connection should serve once more and then close: %+v", r)
	}
	if r := do(t, c, "GET", url, nil, nil); r.reused || !r.close {
		t.Fatalf("keepAlive false: %+v", r)
	}
}

func TestKeepAliveFalseClosesConnections(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	s := h.server(serverDoc("edge", port, "keepAlive: false\nrules: [{paths: [{backend: p}]}, {paths: [{path: /x, backend: none}]}]\n"))
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	c := newClient(t)
	for i := 0; i < 3; i++ {
		r := do(t, c, "GET", url, nil, nil)
		if r.status != 200 || !r.close || r.reused {
			t.Fatalf("request %d: %+v", i, r)
		}
	}
	eventually(t, 5*time.Second, "connections to close", func() bool {
		st := s.Status().(Status)
		return st.OpenConnections == 0 && st.AcceptedConnections == 3
	})
}

func TestKeepAliveTimeoutClosesIdleConnections(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, "keepAliveTimeout: 200ms\nrules: [{paths: [{backend: p}]}]\n"))
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("%d close=%v", resp.StatusCode, resp.Close)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = br.ReadByte()
	var ne net.Error
	if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
		t.Fatalf("idle connection not closed by the server: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("closed after %v", d)
	}
}

func TestMaxConnections(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	s := h.server(serverDoc("edge", port, "maxConnections: 1\nrules: [{paths: [{backend: p}]}]\n"))
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)

	first := newClient(t)
	if r := do(t, first, "GET", url, nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	// The first client keeps its connection open: a second connection
	// waits in the accept queue.
	second := newClient(t)
	second.Timeout = 300 * time.Millisecond
	if _, err := tryDo(second, "GET", url, nil, nil); err == nil {
		t.Fatal("a second connection was served while the first is open")
	}
	if st := s.Status().(Status); st.OpenConnections != 1 {
		t.Fatalf("open connections %d", st.OpenConnections)
	}
	first.Transport.(*http.Transport).CloseIdleConnections()
	second.Timeout = 5 * time.Second
	second.Transport.(*http.Transport).CloseIdleConnections()
	eventually(t, 5*time.Second, "the second client to be served", func() bool {
		r, err := tryDo(second, "GET", url, nil, nil)
		return err == nil && r.status == 200
	})

	// Raising the cap in place lets both clients in at once.
	s2 := h.newServerObject(serverDoc("edge", port, "maxConnections: 2\nrules: [{paths: [{backend: p}]}]\n"))
	if err := s2.Inherit(s); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if r := do(t, first, "GET", url, nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	if r := do(t, second, "GET", url, nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	if st := s2.Status().(Status); st.OpenConnections != 2 {
		t.Fatalf("open connections %d", st.OpenConnections)
	}
}

func TestPanickingFilterGives500(t *testing.T) {
	h := newHarness(t)
	p := h.pipeline("boom", "mode: panic")
	h.pipeline("ok", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, "rules: [{paths: [{path: /boom, backend: boom}, {backend: ok}]}]\n"))
	c := newClient(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if r := do(t, c, "GET", base+"/boom", nil, nil); r.status != 500 {
		t.Fatalf("%+v", r)
	}
	if r := do(t, c, "GET", base+"/fine", nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	// The panicking request released the pipeline: it closes at once.
	done := make(chan struct{})
	go func() { _ = p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pipeline close waits for a request that panicked")
	}
}

func TestCloseIsGracefulAndIdempotent(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	s := h.server(serverDoc("edge", port, "rules: [{paths: [{backend: p}]}]\n"))
	c := newClient(t)
	if r := do(t, c, "GET", fmt.Sprintf("http://127.0.0.1:%d/", port), nil, nil); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("closing with an idle keep-alive connection took %v", d)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.Addr() != nil || s.Status().(Status).Listening {
		t.Fatal("still listening")
	}
	if _, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
		t.Fatal("port still open")
	}
	// New does not bind: a server built on a taken port fails in Init only.
	s2 := h.newServerObject(serverDoc("edge", port, "rules: []\n"))
	if s2.Addr() != nil {
		t.Fatal("New bound a listener")
	}
}

func TestCloseLetsInFlightRequestsFinish(t *testing.T) {
	h := newHarness(t)
	h.pipeline("slow", "mode: block")
	port := freePort(t)
	s := h.server(serverDoc("edge", port, "rules: [{paths: [{backend: slow}]}]\n"))
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	c := newClient(t)
	got := make(chan result, 1)
	go func() {
		r, _ := tryDo(c, "GET", "http://"+addr+"/", nil, nil)
		got <- r
	}()
	select {
	case <-h.gate.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the pipeline")
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	eventually(t, 5*time.Second, "the listener to stop accepting", func() bool {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return true
		}
		conn.Close()
		return false
	})
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	default:
	}
	close(h.gate.release)
	if r := <-got; r.status != 200 || !r.close {
		t.Fatalf("in-flight request: %+v", r)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}
