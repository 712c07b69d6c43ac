package proxy

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

// typicalRequest is a browser-like request without hop-by-hop headers.
const typicalRequest = "GET /api/orders?id=7 HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: bench/1.0\r\n" +
	"Accept: application/json\r\nAccept-Encoding: gzip\r\nAccept-Language: en\r\nX-Request-Id: 1234\r\n\r\n"

// typicalResponse is an upstream reply without hop-by-hop headers.
const typicalResponse = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n" +
	"Date: Mon, 23 Nov 2026 10:00:00 GMT\r\nCache-Control: no-store\r\nX-Upstream: a\r\n\r\n{}"

func BenchmarkRemoveRequestHopByHop(b *testing.B) {
	var req fasthttp.Request
	if err := req.Read(bufio.NewReader(strings.NewReader(typicalRequest))); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		removeRequestHopByHop(&req.Header)
	}
}

func BenchmarkCleanResponse(b *testing.B) {
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(strings.NewReader(typicalResponse))); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		cleanResponse(&resp)
	}
}

// BenchmarkCleanKeepAliveResponse cleans the reply of a keep-alive
// upstream, which names nothing but the keep-alive option in Connection;
// each round starts from a fresh copy of the parsed header.
func BenchmarkCleanKeepAliveResponse(b *testing.B) {
	var parsed fasthttp.Response
	head := strings.Replace(typicalResponse, "\r\n\r\n", "\r\nConnection: keep-alive\r\n\r\n", 1)
	if err := parsed.Read(bufio.NewReader(strings.NewReader(head))); err != nil {
		b.Fatal(err)
	}
	var resp fasthttp.Response
	b.ReportAllocs()
	for b.Loop() {
		parsed.Header.CopyTo(&resp.Header)
		cleanResponse(&resp)
	}
}

// BenchmarkPrepareRequest turns a fresh copy of a typical request into
// the upstream request: X-Forwarded-For, -Proto and -Host set.
func BenchmarkPrepareRequest(b *testing.B) {
	var parsed, req fasthttp.Request
	if err := parsed.Read(bufio.NewReader(strings.NewReader(typicalRequest))); err != nil {
		b.Fatal(err)
	}
	ctx := filter.NewContext()
	b.ReportAllocs()
	for b.Loop() {
		parsed.Header.CopyTo(&req.Header)
		ctx.ResetDetached(&req, []byte("192.0.2.7"), time.Time{})
		prepareRequest(ctx, ctx.Request())
		ctx.Finish()
	}
}
