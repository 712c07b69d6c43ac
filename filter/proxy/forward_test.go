package proxy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestMirrorPoolGetsACopy(t *testing.T) {
	main := startUpstream(t, func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("main reply") })
	mirror := startUpstream(t, func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("mirror reply") })
	doc := `{"pools":[` + poolDoc("", main.url) + `],"mirrorPool":` +
		poolDoc(`"filter":{"headers":{"X-Mirror":{"exact":"yes"}}}`, mirror.url) + `}`
	p := startProxy(t, doc)

	r := call(t, p, "10.0.0.7", func(r *fasthttp.Request) {
		r.Header.SetMethod("POST")
		r.SetRequestURI("/orders?id=7")
		r.Header.Set("X-Mirror", "yes")
		r.SetBodyString("order 7")
	})
	if r.result != "" || r.body != "main reply" {
		t.Fatalf("client got %+v", r)
	}
	waitFor(t, "the mirror copy", 5*time.Second, func() bool { return mirror.hits.Load() == 1 })
	got := mirror.lastRequest()
	if string(got.Header.Method()) != "POST" || string(got.RequestURI()) != "/orders?id=7" || string(got.Body()) != "order 7" {
		t.Fatalf("mirror got %s %s %q", got.Header.Method(), got.RequestURI(), got.Body())
	}
	if xff := string(got.Header.Peek("X-Forwarded-For")); xff != "10.0.0.7" {
		t.Fatalf("mirror X-Forwarded-For %q", xff)
	}

	// A request the mirror filter does not take is not copied.
	call(t, p, "10.0.0.7", nil)
	if main.hits.Load() != 2 {
		t.Fatalf("main hits %d", main.hits.Load())
	}
	if mirror.hits.Load() != 1 {
		t.Fatalf("unmatched request mirrored: %d", mirror.hits.Load())
	}
}

func TestFailureCodes(t *testing.T) {
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		var code int
		_, _ = fmt.Sscan(string(ctx.QueryArgs().Peek("code")), &code)
		ctx.SetStatusCode(code)
		ctx.SetBodyString("upstream says " + string(ctx.QueryArgs().Peek("code")))
	})
	withCode := func(code int) func(*fasthttp.Request) {
		return func(r *fasthttp.Request) { r.SetRequestURI(fmt.Sprintf("/?code=%d", code)) }
	}
	t.Run("default 5xx", func(t *testing.T) {
		p := startProxy(t, `{"pools":[`+poolDoc("", up.url)+`]}`)
		r := call(t, p, "10.0.0.1", withCode(503))
		if r.result != ResultFailureCode || r.status != 503 || r.body != "upstream says 503" {
			t.Fatalf("503: %+v", r)
		}
		if r := call(t, p, "10.0.0.1", withCode(404)); r.result != "" || r.status != 404 {
			t.Fatalf("404: %+v", r)
		}
	})
	t.Run("configured", func(t *testing.T) {
		p := startProxy(t, `{"pools":[`+poolDoc(`"failureCodes":[404,429]`, up.url)+`]}`)
		if r := call(t, p, "10.0.0.1", withCode(429)); r.result != ResultFailureCode || r.body != "upstream says 429" {
			t.Fatalf("429: %+v", r)
		}
		if r := call(t, p, "10.0.0.1", withCode(500)); r.result != "" || r.status != 500 {
			t.Fatalf("500: %+v", r)
		}
	})
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
		ctx.SetBodyString("late")
	})
	defer close(release)
	p := startProxy(t, `{"pools":[`+poolDoc(`"timeout":"100ms"`, up.url)+`]}`)
	start := time.Now()
	r := call(t, p, "10.0.0.1", nil)
	if r.result != ResultTimeout || r.status != 408 {
		t.Fatalf("got %+v", r)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("timeout took %v", d)
	}
}

func TestDeadUpstreamIsServerError(t *testing.T) {
	p := startProxy(t, `{"pools":[`+poolDoc("", deadURL(t))+`]}`)
	r := call(t, p, "10.0.0.1", nil)
	if r.result != ResultServerError || r.status != 503 {
		t.Fatalf("got %+v", r)
	}
	if s := statusJSON(t, p); !strings.Contains(s, `"failures":1`) {
		t.Fatalf("status %s", s)
	}
}

func TestForwardedAndHopByHopHeaders(t *testing.T) {
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("X-Hop", "upstream-only")
		ctx.Response.Header.Set("Connection", "X-Hop")
		ctx.Response.Header.Set("Keep-Alive", "timeout=5")
		ctx.Response.Header.Set("X-Kept", "1")
		ctx.SetBodyString("ok")
	})
	p := startProxy(t, `{"pools":[`+poolDoc("", up.url)+`]}`)
	fr := startFront(t, p, nil)

	req, _ := http.NewRequest("GET", fr.url+"/path?q=1", nil)
	req.Host = "shop.example"
	req.Header.Set("Connection", "X-Secret")
	req.Header.Set("X-Secret", "hop")
	req.Header.Set("Keep-Alive", "timeout=9")
	req.Header.Set("Proxy-Authorization", "Basic eDp5")
	req.Header.Set("Proxy-Connection", "keep-alive")
	req.Header.Set("TE", "trailers")
	req.Header.Set("Upgrade", "h2c")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	req.Header.Set("X-End", "end-to-end")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Fatalf("client got %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Hop") != "" || resp.Header.Get("Keep-Alive") != "" || resp.Header.Get("X-Kept") != "1" {
		t.Fatalf("client reply headers %v", resp.Header)
	}

	got := up.lastRequest()
	for _, h := range []string{"X-Secret", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "TE", "Upgrade"} {
		if v := got.Header.Peek(h); len(v) > 0 {
			t.Errorf("upstream got hop-by-hop %s: %q", h, v)
		}
	}
	if got.Header.ConnectionClose() {
		t.Error("upstream asked to close")
	}
	want := map[string]string{
		"X-Forwarded-For":   "203.0.113.9, 127.0.0.1",
		"X-Forwarded-Proto": "http",
		"X-Forwarded-Host":  "shop.example",
		"X-End":             "end-to-end",
		"Host":              "shop.example", // IP URL: the client's Host
	}
	for h, v := range want {
		if g := string(got.Header.Peek(h)); g != v {
			t.Errorf("upstream %s = %q, want %q", h, g, v)
		}
	}
	if string(got.RequestURI()) != "/path?q=1" {
		t.Errorf("upstream URI %q", got.RequestURI())
	}
}

func TestHostHeaderRules(t *testing.T) {
	up := startUpstream(t, nil)
	port := up.addr[strings.LastIndexByte(up.addr, ':')+1:]
	hostURL := "http://localhost:" + port
	cases := []struct {
		name, pool, want string
	}{
		{"ip url sends the client's", poolDoc("", up.url), "shop.example"},
		{"setUpstreamHost sends the server's", poolDoc(`"setUpstreamHost":true`, up.url), up.addr},
		{"keepHost beats setUpstreamHost", fmt.Sprintf(`{"servers":[{"url":%q,"keepHost":true}],"setUpstreamHost":true}`, up.url), "shop.example"},
		{"hostname url sends the server's", poolDoc("", hostURL), "localhost:" + port},
		{"keepHost beats a hostname", fmt.Sprintf(`{"servers":[{"url":%q,"keepHost":true}]}`, hostURL), "shop.example"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := startProxy(t, `{"pools":[`+c.pool+`]}`)
			r := call(t, p, "10.0.0.1", func(r *fasthttp.Request) { r.Header.SetHost("shop.example") })
			if r.result != "" {
				t.Fatalf("got %+v", r)
			}
			if got := string(up.lastRequest().Host()); got != c.want {
				t.Fatalf("Host %q, want %q", got, c.want)
			}
		})
	}
}

// bigBody is a reply body larger than the buffering caps of the tests.
var bigBody = bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB

func TestLargeRepliesAreStreamed(t *testing.T) {
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		switch string(ctx.Path()) {
		case "/small":
			ctx.SetBodyString("small")
		case "/big":
			ctx.SetBody(bigBody)
		case "/chunked-small":
			ctx.SetBodyStreamWriter(func(w *bufio.Writer) { _, _ = w.WriteString("tiny") })
		case "/chunked-big":
			ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
				for off := 0; off < len(bigBody); off += 4096 {
					_, _ = w.Write(bigBody[off : off+4096])
					_ = w.Flush()
				}
			})
		}
	})
	p := startProxy(t, `{"pools":[`+poolDoc("", up.url)+`],"serverMaxBodySize":1024}`)
	get := func(path string) func(*fasthttp.Request) {
		return func(r *fasthttp.Request) { r.SetRequestURI(path) }
	}

	cases := []struct {
		path   string
		stream bool
		body   []byte
	}{
		{"/small", false, []byte("small")},
		{"/big", true, bigBody},
		{"/chunked-small", false, []byte("tiny")},
		{"/chunked-big", true, bigBody},
	}
	for _, c := range cases {
		t.Run("detached"+c.path, func(t *testing.T) {
			r := call(t, p, "10.0.0.1", get(c.path))
			if r.result != "" || r.stream != c.stream || r.body != string(c.body) {
				t.Fatalf("result %q stream %v body %d bytes, want stream %v and %d bytes", r.result, r.stream, len(r.body), c.stream, len(c.body))
			}
		})
	}

	// Through a server: the client gets the whole body and the upstream
	// connections are reused afterwards.
	fr := startFront(t, p, nil)
	for i := 0; i < 3; i++ {
		for _, c := range cases {
			resp, err := http.Get(fr.url + c.path)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || !bytes.Equal(body, c.body) {
				t.Fatalf("%s: %d bytes, err %v", c.path, len(body), err)
			}
		}
	}
	if s := p.Status().(*Status); s.Pools[0].Servers[0].Connections > 2 {
		t.Fatalf("upstream connections not reused: %d open", s.Pools[0].Servers[0].Connections)
	}

	t.Run("minus one streams all", func(t *testing.T) {
		p := startProxy(t, `{"pools":[`+poolDoc(`"serverMaxBodySize":-1`, up.url)+`]}`)
		r := call(t, p, "10.0.0.1", get("/small"))
		if !r.stream || r.body != "small" {
			t.Fatalf("got %+v", r)
		}
	})
}

func TestStreamedRequestBody(t *testing.T) {
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		ctx.SetBodyString(fmt.Sprintf("got %d bytes", len(ctx.PostBody())))
	})
	p := startProxy(t, `{"pools":[`+poolDoc("", up.url)+`]}`)
	fr := startFront(t, p, func(s *fasthttp.Server) {
		s.StreamRequestBody = true
		s.MaxRequestBodySize = 1024
	})
	resp, err := http.Post(fr.url+"/upload", "application/octet-stream", bytes.NewReader(bigBody))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("got %d bytes", len(bigBody)); string(body) != want {
		t.Fatalf("client got %d %q, want %q", resp.StatusCode, body, want)
	}
	<-fr.results

	// A body of unknown length arrives chunked and is forwarded chunked.
	resp, err = http.Post(fr.url+"/upload", "application/octet-stream", io.MultiReader(bytes.NewReader(bigBody)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("got %d bytes", len(bigBody)); string(body) != want {
		t.Fatalf("chunked upload: client got %d %q, want %q", resp.StatusCode, body, want)
	}
	<-fr.results

	// A client that sends part of its body and goes away.
	conn, err := net.Dial("tcp", strings.TrimPrefix(fr.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", len(bigBody))
	_, _ = conn.Write(bigBody[:64<<10])
	_ = conn.Close()
	select {
	case result := <-fr.results:
		if result != ResultClientError {
			t.Fatalf("result %q, want %q", result, ResultClientError)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no result for the abandoned request")
	}
}

func TestConcurrentTraffic(t *testing.T) {
	handler := func(ctx *fasthttp.RequestCtx) {
		if string(ctx.Path()) == "/big" {
			ctx.SetBody(bigBody[:64<<10])
			return
		}
		ctx.SetBodyString("small")
	}
	a, b := startUpstream(t, handler), startUpstream(t, handler)
	p := startProxy(t, `{"pools":[`+poolDoc("", a.url, b.url)+`],"serverMaxBodySize":4096}`)
	fr := startFront(t, p, nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 40; i++ {
				path, want := "/small", 5
				if i%4 == 0 {
					path, want = "/big", 64<<10
				}
				resp, err := client.Get(fr.url + path)
				if err != nil {
					errs <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || len(body) != want {
					errs <- fmt.Errorf("%s: %d bytes, err %v", path, len(body), err)
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := a.hits.Load() + b.hits.Load(); got != 320 {
		t.Fatalf("upstreams got %d requests, want 320", got)
	}
}
