package proxy

import (
	"bufio"
	"io"
	"slices"

	"github.com/valyala/fasthttp"
)

// How a streamed reply body is delimited.
const (
	bodyFixed   = iota // Content-Length bytes
	bodyChunked        // chunked transfer coding
	bodyToClose        // until the upstream closes the connection
)

// maxKeptPrefix is the largest prefill buffer a pooled stream keeps.
const maxKeptPrefix = 64 << 10

// errBadChunk reports a malformed chunked body.
type errBadChunk string

// Error implements error.
func (e errBadChunk) Error() string { return "malformed chunked reply body: " + string(e) }

// bodyStream is a reply body read from an upstream connection. It is the
// response's body stream (fasthttp closes it after writing the reply, or
// when the response is reset), and it gives the connection back to the
// HostClient when closed: kept alive if the body was read to its end,
// closed otherwise. Streams are pooled by their transport.
type bodyStream[C any] struct {
	t    *transport
	pool connPool[C]
	cc   C
	br   *bufio.Reader

	mode int
	// left is what remains of the body (bodyFixed) or of the current
	// chunk (bodyChunked).
	left int64
	// prefix holds bytes already read from the connection (the prefill of
	// a body of unknown length); off is how much of it was returned.
	prefix []byte
	off    int

	eof       bool
	closeConn bool
	inChunk   bool
}

// startStream reads the rest of a reply whose body is not buffered right
// away: a body of unknown length is prefilled up to maxBody and kept in the
// response if it ends there; otherwise the response gets a body stream.
func startStream[C any](t *transport, pool connPool[C], cc C, br *bufio.Reader, resp *fasthttp.Response, cl int, closeConn bool) error {
	s, _ := t.streams.Get().(*bodyStream[C])
	if s == nil {
		s = &bodyStream[C]{}
	}
	s.t, s.pool, s.cc, s.br = t, pool, cc, br
	s.closeConn = closeConn
	switch {
	case cl >= 0:
		s.mode, s.left = bodyFixed, int64(cl)
		s.eof = cl == 0
	case cl == -1:
		s.mode = bodyChunked
	default:
		s.mode = bodyToClose
		s.closeConn = true
	}
	if cl < 0 && t.maxBody >= 0 {
		done, err := s.prefill(t.maxBody)
		if err != nil {
			s.finish(true)
			return replyReadError{timeoutError(err)}
		}
		if done {
			resp.SetBody(s.prefix)
			resp.Header.SetContentLength(len(s.prefix))
			s.finish(false)
			return nil
		}
	}
	size := cl
	if size < 0 {
		size = -1
	}
	resp.SetBodyStream(s, size)
	return nil
}

// prefill reads up to max+1 body bytes into prefix; done reports that the
// body ended within max bytes.
func (s *bodyStream[C]) prefill(max int64) (done bool, err error) {
	buf := s.prefix[:0]
	for int64(len(buf)) <= max {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 4096)
		}
		room := buf[len(buf):cap(buf)]
		if want := max + 1 - int64(len(buf)); int64(len(room)) > want {
			room = room[:want]
		}
		n, err := s.read(room)
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			s.prefix = buf
			return true, nil
		}
		if err != nil {
			s.prefix = buf
			return false, err
		}
	}
	s.prefix = buf
	return false, nil
}

// Read implements io.Reader: the prefilled bytes first, then the rest of
// the body from the connection.
func (s *bodyStream[C]) Read(p []byte) (int, error) {
	if s.off < len(s.prefix) {
		n := copy(p, s.prefix[s.off:])
		s.off += n
		return n, nil
	}
	n, err := s.read(p)
	if err != nil && err != io.EOF {
		err = timeoutError(err)
	}
	return n, err
}

// read reads body bytes from the connection, decoding the framing.
func (s *bodyStream[C]) read(p []byte) (int, error) {
	if s.eof {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	switch s.mode {
	case bodyFixed:
		if int64(len(p)) > s.left {
			p = p[:s.left]
		}
		n, err := s.br.Read(p)
		s.left -= int64(n)
		if s.left == 0 {
			s.eof = true
			return n, nil
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	case bodyToClose:
		n, err := s.br.Read(p)
		if err == io.EOF {
			s.eof = true
		}
		return n, err
	}
	return s.readChunked(p)
}

// readChunked reads from a chunked body.
func (s *bodyStream[C]) readChunked(p []byte) (int, error) {
	if !s.inChunk {
		size, err := s.chunkSize()
		if err != nil {
			return 0, err
		}
		if size == 0 {
			if err := s.skipTrailer(); err != nil {
				return 0, err
			}
			s.eof = true
			return 0, io.EOF
		}
		s.left, s.inChunk = size, true
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.br.Read(p)
	s.left -= int64(n)
	if s.left == 0 {
		s.inChunk = false
		if err := s.chunkEnd(); err != nil {
			return n, err
		}
		return n, nil
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// chunkSize reads a chunk-size line.
func (s *bodyStream[C]) chunkSize() (int64, error) {
	line, err := s.line()
	if err != nil {
		return 0, err
	}
	var size int64
	digits := 0
	for _, c := range line {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		case c == ';' || c == ' ' || c == '\t':
			if digits == 0 {
				return 0, errBadChunk("empty chunk size")
			}
			return size, nil
		default:
			return 0, errBadChunk("invalid chunk size")
		}
		if digits++; digits > 15 {
			return 0, errBadChunk("chunk size too large")
		}
		size = size<<4 | int64(d)
	}
	if digits == 0 {
		return 0, errBadChunk("empty chunk size")
	}
	return size, nil
}

// chunkEnd reads the CRLF closing a chunk's data.
func (s *bodyStream[C]) chunkEnd() error {
	line, err := s.line()
	if err != nil {
		return err
	}
	if len(line) != 0 {
		return errBadChunk("missing CRLF after chunk data")
	}
	return nil
}

// skipTrailer reads the trailer fields after the last chunk; they are
// dropped (Trailer is a hop-by-hop header for the Proxy).
func (s *bodyStream[C]) skipTrailer() error {
	for i := 0; i < 64; i++ {
		line, err := s.line()
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
	}
	return errBadChunk("too many trailer fields")
}

// line reads one line without its CRLF (or LF).
func (s *bodyStream[C]) line() ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, errBadChunk("line too long")
	}
	if err == io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// Close implements io.Closer: it gives the connection back (kept alive
// only when the whole body was read) and returns the stream to its pool.
// fasthttp closes a response's body stream exactly once.
func (s *bodyStream[C]) Close() error {
	s.finish(!s.eof)
	return nil
}

// finish releases the connection and pools the stream.
func (s *bodyStream[C]) finish(broken bool) {
	releaseConn(s.pool, s.cc, s.br, broken || s.closeConn, s.t.maxIdle)
	t := s.t
	var zero C
	s.t, s.pool, s.cc, s.br = nil, nil, zero, nil
	s.mode, s.left, s.off = 0, 0, 0
	s.eof, s.closeConn, s.inChunk = false, false, false
	if cap(s.prefix) > maxKeptPrefix {
		s.prefix = nil
	}
	s.prefix = s.prefix[:0]
	t.streams.Put(s)
}
