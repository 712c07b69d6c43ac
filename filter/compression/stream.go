package compression

import (
	"errors"
	"io"
)

// streamChunk is how much of the source a stream reads at a time.
const streamChunk = 32 << 10

// NewReader returns a reader of src compressed with enc (Gzip or
// Brotli), for a body that is streamed rather than buffered: a Proxy
// installs it as the response's body stream instead of src. It reads src
// as the reply is written, without a goroutine; whenever src returns less
// than a full chunk (a slow or interactive source) what was compressed so
// far is flushed, so that the client is not kept waiting. Closing the
// reader closes src (if it is an io.Closer) and returns the encoder to the
// Compressor's pool.
func (c *Compressor) NewReader(src io.Reader, enc Encoding) (io.ReadCloser, error) {
	if enc != Gzip && enc != Brotli {
		return nil, errors.New("compression: NewReader needs gzip or br")
	}
	e := c.pools.acquire(enc)
	e.reset(&e.out)
	return &streamReader{src: src, e: e, pools: &c.pools}, nil
}

// streamReader compresses src on demand.
type streamReader struct {
	src    io.Reader
	pools  *pools
	e      *encoder
	chunk  []byte
	off    int // of e.out.b already returned
	ended  bool
	err    error
	closed bool
}

// Read returns compressed bytes, reading more of the source when needed.
func (s *streamReader) Read(p []byte) (int, error) {
	if s.closed {
		return 0, io.ErrClosedPipe
	}
	for s.off == len(s.e.out.b) {
		if s.err != nil {
			return 0, s.err
		}
		if s.ended {
			return 0, io.EOF
		}
		s.fill()
	}
	n := copy(p, s.e.out.b[s.off:])
	s.off += n
	return n, nil
}

// fill compresses the next chunk of the source into the output buffer.
func (s *streamReader) fill() {
	s.e.out.b, s.off = s.e.out.b[:0], 0
	if s.chunk == nil {
		s.chunk = s.pools.chunk()
	}
	n, err := s.src.Read(s.chunk)
	if n > 0 {
		if _, werr := s.e.Write(s.chunk[:n]); werr != nil {
			s.err = werr
			return
		}
		if n < len(s.chunk) && err == nil {
			if ferr := s.e.Flush(); ferr != nil {
				s.err = ferr
				return
			}
		}
	}
	switch {
	case err == io.EOF:
		s.ended = true
		if cerr := s.e.Close(); cerr != nil {
			s.err = cerr
		}
	case err != nil:
		s.err = err
	}
}

// errorCloser is a source that wants to know why reading stopped, as
// fasthttp's client streams do (fasthttp.ReadCloserWithError).
type errorCloser interface {
	CloseWithError(err error) error
}

// Close closes the source, as fasthttp would have closed it, and releases
// the encoder and the read buffer.
func (s *streamReader) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if c, ok := s.src.(io.Closer); ok {
		err = c.Close()
	}
	if c, ok := s.src.(errorCloser); ok {
		var readErr error
		if s.err != nil && !s.ended {
			readErr = s.err
		}
		if cerr := c.CloseWithError(readErr); err == nil {
			err = cerr
		}
	}
	s.e.release()
	s.e = nil
	if b := s.chunk; b != nil {
		s.pools.chunks.Put(&b)
		s.chunk = nil
	}
	return err
}
