package proxy

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// transport is the fasthttp.RoundTripper of every upstream HostClient. It
// sends the request like fasthttp's default transport and differs in how
// it reads the reply body, so that large bodies are streamed while the
// common small ones are buffered without allocating:
//
//   - a body of known length up to maxBody is read into the response;
//   - a longer one, or any when maxBody < 0, becomes the response's body
//     stream, read from the upstream connection while the reply is written
//     to the client;
//   - a body of unknown length (chunked, or delimited by connection close)
//     is read up to maxBody and streamed past it.
//
// A streamed body keeps the upstream connection until the stream is
// closed (fasthttp closes it after writing the reply, or when the response
// is reset or released), then gives it back to the HostClient.
//
// fasthttp's own StreamResponseBody streams every body of a HostClient and
// allocates a few objects per request to do so, which is why the Proxy
// brings its own transport.
type transport struct {
	// maxBody is the largest body buffered; < 0 streams every body.
	maxBody int64
	// maxIdle caps the idle connections of the server: a connection
	// coming back while that many are idle is closed.
	maxIdle int
	// streams pools *bodyStream values.
	streams sync.Pool
	// bufs pools copy buffers for streamed request bodies.
	bufs sync.Pool
}

// copyBufSize is the size of the buffers copying streamed request bodies.
const copyBufSize = 16 << 10

// clientGoneError reports that reading the client's streamed request body
// failed: the client went away while the request was being forwarded.
type clientGoneError struct{ err error }

// Error implements error.
func (e clientGoneError) Error() string { return "reading the client request body: " + e.err.Error() }

// Unwrap returns the read error.
func (e clientGoneError) Unwrap() error { return e.err }

// replyReadError reports that the reply header arrived but its body could
// not be read.
type replyReadError struct{ err error }

// Error implements error.
func (e replyReadError) Error() string { return "reading the upstream reply body: " + e.err.Error() }

// Unwrap returns the read error.
func (e replyReadError) Unwrap() error { return e.err }

// RoundTrip implements fasthttp.RoundTripper.
func (t *transport) RoundTrip(hc *fasthttp.HostClient, req *fasthttp.Request, resp *fasthttp.Response) (retry bool, err error) {
	resp.StreamBody = false
	timeout := req.GetTimeOut()
	now := time.Now()
	var deadline time.Time
	if timeout > 0 {
		deadline = now.Add(timeout)
	}
	cc, err := hc.AcquireConn(timeout, req.ConnectionClose())
	if err != nil {
		return false, err
	}
	conn := cc.Conn()
	resp.ParseNetConn(conn)

	if err = conn.SetDeadline(deadline); err != nil {
		hc.CloseConn(cc)
		return true, err
	}
	// On a sendWaitConn the request may be held back and sent by the
	// first read of the reply (sendwait.go).
	swc := sendWaitConnOf(conn)
	if swc != nil {
		swc.holdIfRecent(now)
	}
	bw := hc.AcquireWriter(conn)
	if req.IsBodyStream() {
		err = t.writeStreamedRequest(req, bw)
	} else {
		err = req.Write(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if swc != nil {
		swc.stopHolding()
	}
	hc.ReleaseWriter(bw)
	if err != nil {
		hc.CloseConn(cc)
		var gone clientGoneError
		if errors.As(err, &gone) {
			return false, err
		}
		return true, timeoutError(err)
	}

	br := hc.AcquireReader(conn)
	if err = readResponseHeader(resp, br); err != nil {
		hc.ReleaseReader(br)
		hc.CloseConn(cc)
		return true, timeoutError(err)
	}
	// After 101 Switching Protocols the connection no longer speaks HTTP.
	closeConn := req.ConnectionClose() || resp.ConnectionClose() ||
		resp.StatusCode() == fasthttp.StatusSwitchingProtocols
	if resp.SkipBody || req.Header.IsHead() || !bodyAllowed(resp.StatusCode()) {
		resp.SkipBody = resp.SkipBody || req.Header.IsHead()
		releaseConn(hc, cc, br, closeConn, t.maxIdle)
		return false, nil
	}
	cl := resp.Header.ContentLength()
	if cl == 0 || (cl > 0 && t.maxBody >= 0 && int64(cl) <= t.maxBody) {
		if err = resp.ReadBody(br, 0); err != nil {
			hc.ReleaseReader(br)
			hc.CloseConn(cc)
			return false, replyReadError{timeoutError(err)}
		}
		releaseConn(hc, cc, br, closeConn, t.maxIdle)
		return false, nil
	}
	return false, startStream(t, hc, cc, br, resp, cl, closeConn)
}

// connPool is what a stream needs of a HostClient. C is fasthttp's
// unexported connection type, inferred from HostClient.AcquireConn.
type connPool[C any] interface {
	ReleaseConn(cc C)
	CloseConn(cc C)
	ReleaseReader(br *bufio.Reader)
	IdleConnsCount() int
}

// releaseConn gives the reader back and the connection back, or closes
// it: when asked to, or when maxIdle connections already sit idle (the
// count is read without holding the pool, so concurrent releases may
// overshoot the cap by a few).
func releaseConn[C any](pool connPool[C], cc C, br *bufio.Reader, closeConn bool, maxIdle int) {
	pool.ReleaseReader(br)
	if closeConn || pool.IdleConnsCount() >= maxIdle {
		pool.CloseConn(cc)
	} else {
		pool.ReleaseConn(cc)
	}
}

// readResponseHeader reads the reply header, skipping interim 1xx replies
// other than 101.
func readResponseHeader(resp *fasthttp.Response, br *bufio.Reader) error {
	for i := 0; ; i++ {
		if err := resp.Header.Read(br); err != nil {
			return err
		}
		code := resp.Header.StatusCode()
		if code < 100 || code > 199 || code == fasthttp.StatusSwitchingProtocols {
			return nil
		}
		if i >= 8 {
			return errors.New("upstream sent too many interim 1xx replies")
		}
	}
}

// bodyAllowed reports whether a reply with this status may have a body.
func bodyAllowed(code int) bool {
	return code >= 200 && code != fasthttp.StatusNoContent && code != fasthttp.StatusNotModified
}

// timeoutError turns any error reporting a timeout into fasthttp.ErrTimeout.
func timeoutError(err error) error {
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return fasthttp.ErrTimeout
	}
	return err
}

// writeStreamedRequest writes a request whose body is a stream (a client
// body larger than the server buffers), telling a failure to read the
// client body (clientGoneError) from a failure to write upstream.
func (t *transport) writeStreamedRequest(req *fasthttp.Request, w *bufio.Writer) error {
	body := req.BodyStream()
	uri := req.URI()
	if len(req.Header.Host()) == 0 {
		req.Header.SetHostBytes(uri.Host())
	}
	req.Header.SetRequestURIBytes(uri.RequestURI())
	size := req.Header.ContentLength()
	if size < 0 {
		req.Header.SetContentLength(-1)
	}
	err := req.Header.Write(w)
	if err == nil {
		bp := t.copyBuf()
		if size >= 0 {
			err = copyFixed(w, body, int64(size), *bp)
		} else {
			err = copyChunked(w, body, *bp)
		}
		t.bufs.Put(bp)
	}
	if errc := req.CloseBodyStream(); err == nil && errc != nil {
		err = clientGoneError{errc}
	}
	return err
}

// copyBuf returns a pooled copy buffer.
func (t *transport) copyBuf() *[]byte {
	if bp, ok := t.bufs.Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, copyBufSize)
	return &b
}

// copyFixed copies exactly n bytes of body to w.
func copyFixed(w *bufio.Writer, body io.Reader, n int64, buf []byte) error {
	for n > 0 {
		chunk := buf
		if int64(len(chunk)) > n {
			chunk = chunk[:n]
		}
		m, rerr := body.Read(chunk)
		if m > 0 {
			if _, err := w.Write(chunk[:m]); err != nil {
				return err
			}
			n -= int64(m)
		}
		if rerr != nil {
			if rerr == io.EOF && n == 0 {
				return nil
			}
			if rerr == io.EOF {
				rerr = io.ErrUnexpectedEOF
			}
			return clientGoneError{rerr}
		}
	}
	return nil
}

// copyChunked copies body to w in the chunked transfer coding.
func copyChunked(w *bufio.Writer, body io.Reader, buf []byte) error {
	var hdr [20]byte
	for {
		m, rerr := body.Read(buf)
		if m > 0 {
			h := strconv.AppendInt(hdr[:0], int64(m), 16)
			h = append(h, '\r', '\n')
			if _, err := w.Write(h); err != nil {
				return err
			}
			if _, err := w.Write(buf[:m]); err != nil {
				return err
			}
			if _, err := w.WriteString("\r\n"); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			_, err := w.WriteString("0\r\n\r\n")
			return err
		}
		if rerr != nil {
			return clientGoneError{rerr}
		}
	}
}
