package adapt

import (
	"bytes"
	"fmt"
	"io"

	"github.com/valyala/fasthttp"
)

// Gzip is the only value the compress and decompress fields accept.
const Gzip = "gzip"

// MaxBodySize bounds the bodies the gzip helpers produce or buffer: a
// decompressed body, or a streamed body read into memory to be
// (de)compressed. Past it the helpers fail rather than let one request
// take the node's memory (a gzip bomb expands about 1000 times).
const MaxBodySize = 64 << 20

// ErrBodyTooLarge is returned when a body passes MaxBodySize.
const ErrBodyTooLarge = bodyError("body larger than the limit of 64 MiB")

// bodyError is a constant error.
type bodyError string

// Error returns the message.
func (e bodyError) Error() string { return string(e) }

// message is what fasthttp.Request and fasthttp.Response share for body
// handling.
type message interface {
	Body() []byte
	SwapBody(body []byte) []byte
	IsBodyStream() bool
	BodyStream() io.Reader
}

var (
	_ message = (*fasthttp.Request)(nil)
	_ message = (*fasthttp.Response)(nil)
)

// CompressRequest gzips the request body unless it already has a
// Content-Encoding, then sets Content-Encoding and Content-Length. A
// streamed body is read into memory first; a read error or a stream past
// MaxBodySize is returned and leaves the request unchanged.
func CompressRequest(req *fasthttp.Request) error {
	if len(req.Header.ContentEncoding()) != 0 {
		return nil
	}
	n, err := gzipBody(req, MaxBodySize)
	if err != nil {
		return err
	}
	req.Header.SetContentEncoding(Gzip)
	req.Header.SetContentLength(n)
	return nil
}

// DecompressRequest gunzips the request body when its Content-Encoding is
// gzip, then removes Content-Encoding and sets Content-Length. Invalid gzip
// data or a result past MaxBodySize is an error.
func DecompressRequest(req *fasthttp.Request) error {
	if !bytes.EqualFold(req.Header.ContentEncoding(), []byte(Gzip)) {
		return nil
	}
	n, err := gunzipBody(req, MaxBodySize)
	if err != nil {
		return err
	}
	req.Header.Del(fasthttp.HeaderContentEncoding)
	req.Header.SetContentLength(n)
	return nil
}

// CompressResponse is CompressRequest for a response.
func CompressResponse(resp *fasthttp.Response) error {
	if len(resp.Header.ContentEncoding()) != 0 {
		return nil
	}
	n, err := gzipBody(resp, MaxBodySize)
	if err != nil {
		return err
	}
	resp.Header.SetContentEncoding(Gzip)
	resp.Header.SetContentLength(n)
	return nil
}

// DecompressResponse is DecompressRequest for a response.
func DecompressResponse(resp *fasthttp.Response) error {
	if !bytes.EqualFold(resp.Header.ContentEncoding(), []byte(Gzip)) {
		return nil
	}
	n, err := gunzipBody(resp, MaxBodySize)
	if err != nil {
		return err
	}
	resp.Header.Del(fasthttp.HeaderContentEncoding)
	resp.Header.SetContentLength(n)
	return nil
}

func gzipBody(m message, limit int) (int, error) {
	src, err := bufferedBody(m, limit)
	if err != nil {
		return 0, err
	}
	out := fasthttp.AppendGzipBytes(nil, src)
	m.SwapBody(out)
	return len(out), nil
}

func gunzipBody(m message, limit int) (int, error) {
	src, err := bufferedBody(m, limit)
	if err != nil {
		return 0, err
	}
	lw := limitedWriter{max: limit}
	if _, err := fasthttp.WriteGunzip(&lw, src); err != nil {
		return 0, fmt.Errorf("gunzip: %w", err)
	}
	m.SwapBody(lw.b)
	return len(lw.b), nil
}

// bufferedBody returns the body, first reading a body stream into memory
// (up to limit bytes) so that a read error is seen rather than turned into
// the body.
func bufferedBody(m message, limit int) ([]byte, error) {
	if !m.IsBodyStream() {
		return m.Body(), nil
	}
	lw := limitedWriter{max: limit}
	if _, err := io.Copy(&lw, m.BodyStream()); err != nil {
		return nil, fmt.Errorf("reading body stream: %w", err)
	}
	// SwapBody closes the (drained) stream and installs the buffer.
	m.SwapBody(lw.b)
	return lw.b, nil
}

// limitedWriter collects bytes up to max.
type limitedWriter struct {
	b   []byte
	max int
}

// Write appends p, or fails with ErrBodyTooLarge past max.
func (w *limitedWriter) Write(p []byte) (int, error) {
	if len(w.b)+len(p) > w.max {
		return 0, ErrBodyTooLarge
	}
	w.b = append(w.b, p...)
	return len(p), nil
}
