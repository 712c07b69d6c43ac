package compression

import (
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	brotli "github.com/molecule-man/go-brrr"
)

// maxPooledBuffer is the largest output buffer a pool keeps; a larger one
// is left to the garbage collector so that one big reply does not pin its
// memory.
const maxPooledBuffer = 1 << 20

// sink collects compressed bytes.
type sink struct {
	b []byte
}

// Write appends p.
func (s *sink) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

// encoder is a pooled compressing writer with its output buffer.
type encoder struct {
	gz   *gzip.Writer
	br   *brotli.Writer
	out  sink
	pool *sync.Pool
}

// reset starts a new stream into dst.
func (e *encoder) reset(dst io.Writer) {
	if e.gz != nil {
		e.gz.Reset(dst)
	} else {
		e.br.Reset(dst)
	}
}

// Write compresses p.
func (e *encoder) Write(p []byte) (int, error) {
	if e.gz != nil {
		return e.gz.Write(p)
	}
	return e.br.Write(p)
}

// Flush writes out what is buffered, without ending the stream.
func (e *encoder) Flush() error {
	if e.gz != nil {
		return e.gz.Flush()
	}
	return e.br.Flush()
}

// Close ends the stream.
func (e *encoder) Close() error {
	if e.gz != nil {
		return e.gz.Close()
	}
	return e.br.Close()
}

// release gives the encoder back to its pool, forgetting a buffer that
// grew too large.
func (e *encoder) release() {
	e.reset(io.Discard)
	if cap(e.out.b) > maxPooledBuffer {
		e.out.b = nil
	}
	e.out.b = e.out.b[:0]
	e.pool.Put(e)
}

// pools holds one encoder pool per coding, at the compressor's levels,
// and the read buffers of streams.
type pools struct {
	gzip, br           sync.Pool
	chunks             sync.Pool // *[]byte of streamChunk bytes
	gzipLevel, brLevel int
}

// chunk returns a read buffer for a stream.
func (p *pools) chunk() []byte {
	if b, ok := p.chunks.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, streamChunk)
}

// acquire returns an encoder for enc with an empty output buffer.
func (p *pools) acquire(enc Encoding) *encoder {
	pool := &p.gzip
	if enc == Brotli {
		pool = &p.br
	}
	if e, ok := pool.Get().(*encoder); ok {
		return e
	}
	e := &encoder{pool: pool}
	if enc == Brotli {
		// Levels are checked by New; NewWriter cannot fail here.
		e.br, _ = brotli.NewWriter(io.Discard, p.brLevel)
		e.br.Reset(io.Discard) // a reset writer keeps its state across Close
	} else {
		e.gz, _ = gzip.NewWriterLevel(io.Discard, p.gzipLevel)
	}
	return e
}
