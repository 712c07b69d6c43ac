package adapt

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestRequestGzipRoundTrip(t *testing.T) {
	body := strings.Repeat("hello gatewright ", 100)
	var req fasthttp.Request
	req.SetBodyString(body)
	if err := CompressRequest(&req); err != nil {
		t.Fatal(err)
	}
	if got := string(req.Header.ContentEncoding()); got != "gzip" {
		t.Fatalf("Content-Encoding = %q", got)
	}
	if len(req.Body()) >= len(body) || req.Header.ContentLength() != len(req.Body()) {
		t.Fatalf("compressed body %d bytes, Content-Length %d", len(req.Body()), req.Header.ContentLength())
	}
	plain, err := fasthttp.AppendGunzipBytes(nil, req.Body())
	if err != nil || string(plain) != body {
		t.Fatalf("body is not the gzip of the original: %v", err)
	}
	// Already encoded: compress leaves it alone.
	before := append([]byte(nil), req.Body()...)
	if err := CompressRequest(&req); err != nil || !bytes.Equal(req.Body(), before) {
		t.Fatalf("second compress changed the body (err %v)", err)
	}
	if err := DecompressRequest(&req); err != nil {
		t.Fatal(err)
	}
	if string(req.Body()) != body || len(req.Header.ContentEncoding()) != 0 || req.Header.ContentLength() != len(body) {
		t.Fatalf("after decompress: body ok %v, encoding %q, length %d",
			string(req.Body()) == body, req.Header.ContentEncoding(), req.Header.ContentLength())
	}
	// Not gzip: decompress leaves it alone.
	if err := DecompressRequest(&req); err != nil || string(req.Body()) != body {
		t.Fatalf("decompress of a plain body: %v", err)
	}
}

func TestResponseGzipRoundTrip(t *testing.T) {
	body := strings.Repeat("{\"k\":\"v\"}", 50)
	var resp fasthttp.Response
	resp.SetBodyString(body)
	if err := CompressResponse(&resp); err != nil {
		t.Fatal(err)
	}
	if got := string(resp.Header.ContentEncoding()); got != "gzip" {
		t.Fatalf("Content-Encoding = %q", got)
	}
	if err := DecompressResponse(&resp); err != nil {
		t.Fatal(err)
	}
	if string(resp.Body()) != body || len(resp.Header.ContentEncoding()) != 0 {
		t.Fatal("round trip lost the body or kept the encoding")
	}
	resp.Header.SetContentEncoding("br")
	if err := CompressResponse(&resp); err != nil || string(resp.Body()) != body {
		t.Fatalf("compress must skip a body with another encoding: %v", err)
	}
}

func TestDecompressInvalid(t *testing.T) {
	var req fasthttp.Request
	req.Header.SetContentEncoding("gzip")
	req.SetBodyString("not gzip at all")
	if err := DecompressRequest(&req); err == nil {
		t.Fatal("want an error for invalid gzip")
	}
	var resp fasthttp.Response
	resp.Header.SetContentEncoding("gzip")
	resp.SetBodyString("not gzip")
	if err := DecompressResponse(&resp); err == nil {
		t.Fatal("want an error for invalid gzip")
	}
}

func TestDecompressTooLarge(t *testing.T) {
	var req fasthttp.Request
	req.Header.SetContentEncoding("gzip")
	req.SetBody(fasthttp.AppendGzipBytes(nil, make([]byte, 4097)))
	_, err := gunzipBody(&req, 4096)
	if !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		r.n--
		return copy(p, "some bytes "), nil
	}
	return 0, errors.New("connection reset")
}

func TestCompressStream(t *testing.T) {
	var req fasthttp.Request
	req.SetBodyStream(strings.NewReader(strings.Repeat("stream ", 1000)), -1)
	if err := CompressRequest(&req); err != nil {
		t.Fatal(err)
	}
	if req.IsBodyStream() {
		t.Fatal("body still a stream")
	}
	plain, err := fasthttp.AppendGunzipBytes(nil, req.Body())
	if err != nil || string(plain) != strings.Repeat("stream ", 1000) {
		t.Fatalf("stream body not compressed correctly: %v", err)
	}

	var resp fasthttp.Response
	resp.SetBodyStream(&failingReader{n: 3}, -1)
	if err := CompressResponse(&resp); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("err = %v, want the stream's read error", err)
	}
	var req2 fasthttp.Request
	req2.SetBodyStream(io.LimitReader(zeros{}, 4097), -1)
	if _, err := gzipBody(&req2, 4096); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
