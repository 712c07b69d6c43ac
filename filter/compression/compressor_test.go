package compression

import (
	"bytes"
	"crypto/rand"
	"sort"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// exchange is a request and the response it got, before compression.
type exchange struct {
	method, accept string
	status         int
	contentType    string
	headers        [][2]string
	body           []byte
}

func (ex exchange) build() (*fasthttp.Request, *fasthttp.Response) {
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	req.SetRequestURI("/")
	if ex.method != "" {
		req.Header.SetMethod(ex.method)
	}
	if ex.accept != "" {
		req.Header.Set("Accept-Encoding", ex.accept)
	}
	resp.SetStatusCode(200)
	if ex.status != 0 {
		resp.SetStatusCode(ex.status)
	}
	resp.Header.SetContentType("application/json")
	if ex.contentType != "" {
		resp.Header.SetContentType(ex.contentType)
	}
	for _, kv := range ex.headers {
		resp.Header.Add(kv[0], kv[1])
	}
	resp.SetBody(ex.body)
	return req, resp
}

func TestCompress(t *testing.T) {
	c, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	big := jsonBody(8 << 10)
	random := make([]byte, 4096)
	_, _ = rand.Read(random)
	for _, tc := range []struct {
		name string
		ex   exchange
		want Encoding
		vary bool
	}{
		{"brotli preferred", exchange{accept: "gzip, br", body: big}, Brotli, true},
		{"gzip", exchange{accept: "gzip", body: big}, Gzip, true},
		{"no accept-encoding", exchange{body: big}, Identity, true},
		{"too short", exchange{accept: "gzip", body: big[:1000]}, Identity, true},
		{"exactly minLength", exchange{accept: "gzip", body: jsonBody(1024)[:1024]}, Gzip, true},
		{"already encoded", exchange{accept: "gzip", body: big, headers: [][2]string{{"Content-Encoding", "gzip"}}}, Identity, false},
		{"identity encoding", exchange{accept: "gzip", body: big, headers: [][2]string{{"Content-Encoding", "identity"}}}, Gzip, true},
		{"image", exchange{accept: "gzip", body: big, contentType: "image/png"}, Identity, false},
		{"text with charset", exchange{accept: "gzip", body: big, contentType: "text/html; charset=utf-8"}, Gzip, true},
		{"problem+json", exchange{accept: "gzip", body: big, contentType: "application/problem+json"}, Gzip, true},
		{"no-transform", exchange{accept: "gzip", body: big, headers: [][2]string{{"Cache-Control", "public, no-transform"}}}, Identity, false},
		{"partial content", exchange{accept: "gzip", body: big, status: 206}, Identity, false},
		{"not modified", exchange{accept: "gzip", body: big, status: 304}, Identity, false},
		{"no content", exchange{accept: "gzip", body: big, status: 204}, Identity, false},
		{"error page", exchange{accept: "gzip", body: big, status: 500}, Gzip, true},
		{"head", exchange{method: "HEAD", accept: "gzip", body: big}, Identity, false},
		{"incompressible", exchange{accept: "gzip", body: random, contentType: "text/plain"}, Identity, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, resp := tc.ex.build()
			orig := append([]byte(nil), resp.Body()...)
			got, err := c.Compress(&req.Header, resp)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("chose %v, want %v", got, tc.want)
			}
			vary := string(resp.Header.Peek("Vary"))
			if (vary == "Accept-Encoding") != tc.vary {
				t.Fatalf("Vary %q", vary)
			}
			if got == Identity {
				if !bytes.Equal(resp.Body(), orig) {
					t.Fatal("an uncompressed body changed")
				}
				return
			}
			if ce := string(resp.Header.ContentEncoding()); ce != got.String() {
				t.Fatalf("Content-Encoding %q", ce)
			}
			if resp.Header.ContentLength() != len(resp.Body()) || len(resp.Body()) >= len(orig) {
				t.Fatalf("length %d for a %d byte body (was %d)", resp.Header.ContentLength(), len(resp.Body()), len(orig))
			}
			if !bytes.Equal(decode(t, got.String(), resp.Body()), orig) {
				t.Fatal("the body does not decode to the original")
			}
		})
	}
}

func TestCompressHeaders(t *testing.T) {
	c, _ := New(DefaultOptions())
	req, resp := exchange{accept: "gzip", body: jsonBody(4096), headers: [][2]string{
		{"ETag", `"v1-abc"`}, {"Accept-Ranges", "bytes"}, {"Vary", "Origin"}}}.build()
	if enc, _ := c.Compress(&req.Header, resp); enc != Gzip {
		t.Fatal(enc)
	}
	if etag := string(resp.Header.Peek("ETag")); etag != `W/"v1-abc"` {
		t.Errorf("ETag %q", etag)
	}
	if ar := resp.Header.Peek("Accept-Ranges"); ar != nil {
		t.Errorf("Accept-Ranges %q", ar)
	}
	var vary []string
	for _, v := range resp.Header.PeekAll("Vary") {
		vary = append(vary, string(v))
	}
	sort.Strings(vary)
	if strings.Join(vary, ", ") != "Accept-Encoding, Origin" {
		t.Errorf("Vary %q", vary)
	}
	// A weak ETag stays as it is; Vary is not repeated.
	req, resp = exchange{accept: "br", body: jsonBody(4096), headers: [][2]string{{"ETag", `W/"x"`}, {"Vary", "accept-encoding"}}}.build()
	if enc, _ := c.Compress(&req.Header, resp); enc != Brotli {
		t.Fatal(enc)
	}
	if string(resp.Header.Peek("ETag")) != `W/"x"` || len(resp.Header.PeekAll("Vary")) != 1 {
		t.Errorf("ETag %q, Vary %q", resp.Header.Peek("ETag"), resp.Header.PeekAll("Vary"))
	}
}

func TestCompressStreamLeftAlone(t *testing.T) {
	c, _ := New(DefaultOptions())
	req, resp := exchange{accept: "gzip"}.build()
	resp.SetBodyStream(bytes.NewReader(jsonBody(4096)), -1)
	if enc, _ := c.Compress(&req.Header, resp); enc != Identity || !resp.IsBodyStream() {
		t.Fatalf("a streamed body was touched: %v", enc)
	}
	if string(resp.Header.Peek("Vary")) != "Accept-Encoding" {
		t.Fatal("a streamed reply still varies by Accept-Encoding")
	}
}

func TestOptions(t *testing.T) {
	all := DefaultOptions()
	all.ContentTypes = []string{"*"}
	all.MinLength = 0
	c, err := New(all)
	if err != nil {
		t.Fatal(err)
	}
	req, resp := exchange{accept: "gzip", body: jsonBody(300), contentType: "application/octet-stream"}.build()
	if enc, _ := c.Compress(&req.Header, resp); enc != Gzip {
		t.Fatalf("* must match any type: %v", enc)
	}
	for name, mutate := range map[string]func(o *Options){
		"no encodings":    func(o *Options) { o.Encodings = nil },
		"identity":        func(o *Options) { o.Encodings = []Encoding{Identity} },
		"twice":           func(o *Options) { o.Encodings = []Encoding{Gzip, Gzip} },
		"negative length": func(o *Options) { o.MinLength = -1 },
		"gzip level 0":    func(o *Options) { o.GzipLevel = 0 },
		"gzip level 10":   func(o *Options) { o.GzipLevel = 10 },
		"brotli level 10": func(o *Options) { o.BrotliLevel = 10 },
		"no types":        func(o *Options) { o.ContentTypes = nil },
		"two stars":       func(o *Options) { o.ContentTypes = []string{"*/*+*"} },
	} {
		o := DefaultOptions()
		mutate(&o)
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestStats(t *testing.T) {
	c, _ := New(DefaultOptions())
	for _, accept := range []string{"gzip", "br", "br", ""} {
		req, resp := exchange{accept: accept, body: jsonBody(4096)}.build()
		if _, err := c.Compress(&req.Header, resp); err != nil {
			t.Fatal(err)
		}
	}
	st := c.Stats()
	if st.Gzip != 1 || st.Brotli != 2 || st.Uncompressed != 1 || st.BytesIn < 3*4096 || st.BytesOut == 0 || st.BytesOut >= st.BytesIn {
		t.Fatalf("stats %+v", st)
	}
}
