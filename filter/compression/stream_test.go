package compression

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// trackedSource is a stream source that records how it was closed.
type trackedSource struct {
	io.Reader
	closed    int
	closedErr error
	errCalls  int
}

func (s *trackedSource) Close() error { s.closed++; return nil }

func (s *trackedSource) CloseWithError(err error) error {
	s.errCalls++
	s.closedErr = err
	return nil
}

func TestStreamRoundTrip(t *testing.T) {
	c, _ := New(DefaultOptions())
	body := jsonBody(200 << 10) // several chunks
	for _, enc := range []Encoding{Gzip, Brotli} {
		src := &trackedSource{Reader: bytes.NewReader(body)}
		r, err := c.NewReader(src, enc)
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) >= len(body) {
			t.Errorf("%v: %d bytes for %d", enc, len(out), len(body))
		}
		if !bytes.Equal(decode(t, enc.String(), out), body) {
			t.Fatalf("%v: the stream does not decode to the source", enc)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if src.closed != 1 || src.errCalls != 1 || src.closedErr != nil {
			t.Fatalf("%v: source closed %d times, CloseWithError %d times with %v", enc, src.closed, src.errCalls, src.closedErr)
		}
		if _, err := r.Read(make([]byte, 1)); err == nil {
			t.Fatal("a closed reader must not read")
		}
		if err := r.Close(); err != nil || src.closed != 1 {
			t.Fatal("a second Close must do nothing")
		}
	}
	if _, err := c.NewReader(bytes.NewReader(nil), Identity); err == nil {
		t.Fatal("identity is not a stream coding")
	}
}

// TestStreamFlushesSlowSource checks that a source that pauses does not
// hold back what it already sent: the compressed bytes of the first
// event come out while the source is still open, and they decode.
func TestStreamFlushesSlowSource(t *testing.T) {
	c, _ := New(DefaultOptions())
	for _, enc := range []Encoding{Gzip, Brotli} {
		pr, pw := io.Pipe()
		r, err := c.NewReader(pr, enc)
		if err != nil {
			t.Fatal(err)
		}
		// Decode what the reader yields, as a client would.
		decoded := make(chan string, 1)
		go func() {
			var dec io.Reader
			if enc == Gzip {
				gz, err := newGzipReader(r)
				if err != nil {
					decoded <- "error: " + err.Error()
					return
				}
				dec = gz
			} else {
				dec = newBrotliReader(r)
			}
			buf := make([]byte, 64)
			n, err := io.ReadAtLeast(dec, buf, len("data: first\n\n"))
			if err != nil {
				decoded <- "error: " + err.Error()
				return
			}
			decoded <- string(buf[:n])
		}()
		if _, err := pw.Write([]byte("data: first\n\n")); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-decoded:
			if got != "data: first\n\n" {
				t.Fatalf("%v: decoded %q", enc, got)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: the first event never came out while the source stayed open", enc)
		}
		_ = pw.Close()
		_ = r.Close()
	}
}

func TestStreamSourceError(t *testing.T) {
	c, _ := New(DefaultOptions())
	boom := errors.New("upstream broke")
	src := &trackedSource{Reader: io.MultiReader(bytes.NewReader(jsonBody(1000)), errReader{boom})}
	r, _ := c.NewReader(src, Gzip)
	if _, err := io.ReadAll(r); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	_ = r.Close()
	if src.closedErr != boom {
		t.Fatalf("the source was closed with %v, want the read error", src.closedErr)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestPrepareStream(t *testing.T) {
	c, _ := New(DefaultOptions())
	for _, tc := range []struct {
		name   string
		ex     exchange
		size   int
		want   Encoding
		length int
	}{
		{"unknown size", exchange{accept: "gzip"}, -1, Gzip, -1},
		{"large", exchange{accept: "br, gzip", headers: [][2]string{{"ETag", `"e"`}}}, 1 << 20, Brotli, -1},
		{"small", exchange{accept: "gzip"}, 100, Identity, 100},
		{"not accepted", exchange{}, -1, Identity, -1},
		{"encoded", exchange{accept: "gzip", headers: [][2]string{{"Content-Encoding", "br"}}}, -1, Identity, -1},
		{"image", exchange{accept: "gzip", contentType: "image/jpeg"}, -1, Identity, -1},
	} {
		req, resp := tc.ex.build()
		resp.Header.SetContentLength(tc.size)
		if got := c.PrepareStream(&req.Header, resp, tc.size); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		if resp.Header.ContentLength() != tc.length {
			t.Errorf("%s: Content-Length %d, want %d", tc.name, resp.Header.ContentLength(), tc.length)
		}
		if tc.want == Identity {
			continue
		}
		if string(resp.Header.ContentEncoding()) != tc.want.String() || string(resp.Header.Peek("Vary")) != "Accept-Encoding" {
			t.Errorf("%s: headers %s", tc.name, resp.Header.String())
		}
		if tc.name == "large" && string(resp.Header.Peek("ETag")) != `W/"e"` {
			t.Errorf("ETag %q", resp.Header.Peek("ETag"))
		}
		// As a Proxy would: install the compressing reader, then write the
		// reply and read it back.
		body := jsonBody(64 << 10)
		r, err := c.NewReader(bytes.NewReader(body), tc.want)
		if err != nil {
			t.Fatal(err)
		}
		resp.SetBodyStream(r, -1)
		var wire bytes.Buffer
		if _, err := resp.WriteTo(&wire); err != nil {
			t.Fatal(err)
		}
		var back fasthttp.Response
		if err := back.Read(bufio.NewReader(&wire)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(decode(t, string(back.Header.ContentEncoding()), back.Body()), body) {
			t.Errorf("%s: the written stream does not decode to the body", tc.name)
		}
	}
}
