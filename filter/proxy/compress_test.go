package proxy

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func gunzip(t *testing.T, b string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestCompressionOption(t *testing.T) {
	text := strings.Repeat("gatewright compresses replies. ", 100)
	up := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		switch string(ctx.Path()) {
		case "/small":
			ctx.SetBodyString("tiny")
		case "/gzipped":
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write([]byte(text))
			_ = zw.Close()
			ctx.Response.Header.Set("Content-Encoding", "gzip")
			ctx.SetBody(buf.Bytes())
		case "/fail":
			ctx.SetStatusCode(503)
			ctx.SetBodyString(text)
		default:
			ctx.SetContentType("application/json")
			ctx.SetBodyString(text)
		}
	})
	p := startProxy(t, `{"compression": {"minLength": 1000}, "pools":[`+poolDoc("", up.url)+`]}`)
	send := func(path, acceptEncoding string) reply {
		return call(t, p, "10.0.0.1", func(req *fasthttp.Request) {
			req.SetRequestURI(path)
			if acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", acceptEncoding)
			}
		})
	}
	for _, ae := range []string{"gzip, deflate", ""} {
		r := send("/", ae)
		if string(r.header.ContentEncoding()) != "gzip" || gunzip(t, r.body) != text || !strings.Contains(string(r.header.Peek("Vary")), "Accept-Encoding") {
			t.Fatalf("Accept-Encoding %q: encoding %q, headers %s", ae, r.header.ContentEncoding(), r.header.Header())
		}
	}
	if r := send("/", "br"); len(r.header.ContentEncoding()) != 0 || r.body != text {
		t.Fatalf("a client without gzip got encoding %q", r.header.ContentEncoding())
	}
	if r := send("/small", "gzip"); len(r.header.ContentEncoding()) != 0 || r.body != "tiny" {
		t.Fatalf("a body under minLength got encoding %q", r.header.ContentEncoding())
	}
	if r := send("/gzipped", "gzip"); gunzip(t, r.body) != text {
		t.Fatal("an already gzipped reply was compressed twice")
	}
	if r := send("/fail", "gzip"); r.result != ResultFailureCode || gunzip(t, r.body) != text {
		t.Fatalf("failure reply: result %q encoding %q", r.result, r.header.ContentEncoding())
	}
	if st := p.Status().(*Status).Compression; st == nil || st.Gzip != 3 {
		t.Fatalf("compression status %+v", st)
	}
}
