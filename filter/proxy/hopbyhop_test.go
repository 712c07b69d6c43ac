package proxy

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestRequestHopByHopRemovedWhateverTheCase(t *testing.T) {
	for _, name := range []string{"Connection", "keep-alive", "PROXY-CONNECTION", "Proxy-Authenticate",
		"proxy-authorization", "te", "Trailer", "upgrade", "X-Listed"} {
		raw := "GET / HTTP/1.1\r\nHost: a\r\nConnection: X-Listed\r\n" + name + ": v\r\nX-Kept: 1\r\n\r\n"
		if strings.EqualFold(name, "Connection") {
			raw = "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nX-Kept: 1\r\n\r\n"
		}
		var req fasthttp.Request
		if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
			t.Fatal(err)
		}
		removeRequestHopByHop(&req.Header)
		if v := req.Header.Peek(name); len(v) > 0 {
			t.Errorf("%s: still there (%q)", name, v)
		}
		if v := req.Header.Peek("Connection"); len(v) > 0 {
			t.Errorf("%s: Connection still there (%q)", name, v)
		}
		if string(req.Header.Peek("X-Kept")) != "1" {
			t.Errorf("%s: X-Kept removed", name)
		}
	}
}

func TestRequestWithoutHopByHopIsLeftAlone(t *testing.T) {
	var req fasthttp.Request
	if err := req.Read(bufio.NewReader(strings.NewReader(typicalRequest))); err != nil {
		t.Fatal(err)
	}
	before := req.Header.String()
	removeRequestHopByHop(&req.Header)
	if after := req.Header.String(); after != before {
		t.Fatalf("headers changed:\n%s\nwant\n%s", after, before)
	}
}

func TestResponseHopByHopFound(t *testing.T) {
	cases := map[string]replyHopByHop{
		"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n":                                  replyHopByHopOther,
		"Upgrade: h2c\r\nContent-Length: 0\r\n\r\n":                                    replyHopByHopOther,
		"Keep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n":                           replyHopByHopOther,
		"Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n": replyHopByHopOther,
		"Connection: keep-alive, X-Secret\r\nX-Secret: 1\r\nContent-Length: 0\r\n\r\n": replyHopByHopOther,
		"Connection: close\r\nContent-Length: 0\r\n\r\n":                               replyHopByHopConnectionOptions,
		"Connection: Keep-Alive\r\nContent-Length: 0\r\n\r\n":                          replyHopByHopConnectionOptions,
		"Connection: keep-alive,\r\nContent-Length: 0\r\n\r\n":                         replyHopByHopConnectionOptions,
		"X-Plain: 1\r\nContent-Length: 0\r\n\r\n":                                      replyHopByHopNone,
	}
	for head, want := range cases {
		var resp fasthttp.Response
		if err := resp.Read(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\n" + head))); err != nil {
			t.Fatal(err)
		}
		if got := classifyReplyHopByHop(&resp.Header); got != want {
			t.Errorf("%q: classifyReplyHopByHop = %v, want %v", head, got, want)
		}
		cleanResponse(&resp)
		if classifyReplyHopByHop(&resp.Header) != replyHopByHopNone || resp.Header.Peek("X-Secret") != nil {
			t.Errorf("%q: hop-by-hop left after cleanResponse: %s", head, resp.Header.String())
		}
	}
}

func TestCleanRequestAndResponseDoNotAllocate(t *testing.T) {
	var req fasthttp.Request
	if err := req.Read(bufio.NewReader(strings.NewReader(typicalRequest))); err != nil {
		t.Fatal(err)
	}
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(strings.NewReader(typicalResponse))); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		removeRequestHopByHop(&req.Header)
		cleanResponse(&resp)
	}); n != 0 {
		t.Fatalf("%v allocations, want 0", n)
	}
}
