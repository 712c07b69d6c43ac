package compression

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/gatewright/gatewright/internal/wildcard"
	"github.com/valyala/fasthttp"
)

// Defaults of Options.
const (
	DefaultMinLength   = 1024
	DefaultGzipLevel   = 6
	DefaultBrotliLevel = 4
	// MaxBrotliLevel is the highest brotli level offered: levels 10 and
	// 11 are far too slow for replies compressed on the fly.
	MaxBrotliLevel = 9
)

// DefaultContentTypes returns the media types compressed by default:
// text, JSON, JavaScript, XML, SVG and WebAssembly.
func DefaultContentTypes() []string {
	return []string{
		"text/*", "application/json", "application/*+json", "application/javascript",
		"application/x-javascript", "application/xml", "application/*+xml", "image/svg+xml", "application/wasm",
	}
}

// Options configure a Compressor. Build them from DefaultOptions.
type Options struct {
	// Encodings are the codings offered, preferred in this order when
	// the client weighs them equally.
	Encodings []Encoding
	// MinLength is the smallest body compressed, in bytes.
	MinLength int
	// ContentTypes are media type patterns (one '*' each; "*" alone
	// matches any type, and a reply without Content-Type).
	ContentTypes []string
	// GzipLevel is the gzip level, 1 (fastest) to 9 (smallest).
	GzipLevel int
	// BrotliLevel is the brotli level, 0 (fastest) to MaxBrotliLevel.
	BrotliLevel int
	// AcceptAbsent treats a request without Accept-Encoding as accepting
	// gzip, as Easegress's Proxy compression does. Off by default: such a
	// client may not be able to decode.
	AcceptAbsent bool
}

// DefaultOptions returns brotli then gzip, DefaultMinLength, the default
// content types and levels.
func DefaultOptions() Options {
	return Options{
		Encodings:    []Encoding{Brotli, Gzip},
		MinLength:    DefaultMinLength,
		ContentTypes: DefaultContentTypes(),
		GzipLevel:    DefaultGzipLevel,
		BrotliLevel:  DefaultBrotliLevel,
	}
}

// Compressor compresses response bodies. It is safe for concurrent use.
type Compressor struct {
	encodings    []Encoding
	minLength    int
	types        wildcard.List
	anyType      bool
	acceptAbsent bool
	pools        pools
	stats        counters
}

// counters are the Compressor's statistics.
type counters struct {
	gzip, br, skipped atomic.Uint64
	in, out           atomic.Uint64
}

// Stats are a Compressor's counts since it was built.
type Stats struct {
	// Gzip and Brotli count the bodies compressed with each coding.
	Gzip   uint64 `json:"gzip"`
	Brotli uint64 `json:"brotli"`
	// Uncompressed counts the compressible replies sent as they were
	// (the client accepted no offered coding, or the body would grow).
	Uncompressed uint64 `json:"uncompressed"`
	// BytesIn and BytesOut are the sizes of the compressed buffered bodies
	// before and after (streams are counted by coding only).
	BytesIn  uint64 `json:"bytesIn"`
	BytesOut uint64 `json:"bytesOut"`
}

// New checks opts and returns a Compressor.
func New(opts Options) (*Compressor, error) {
	if len(opts.Encodings) == 0 {
		return nil, errors.New("encodings: offer at least one of gzip, br")
	}
	seen := map[Encoding]bool{}
	for i, e := range opts.Encodings {
		if e != Gzip && e != Brotli {
			return nil, fmt.Errorf("encodings[%d]: %v is not gzip or br", i, e)
		}
		if seen[e] {
			return nil, fmt.Errorf("encodings[%d]: %v is listed twice", i, e)
		}
		seen[e] = true
	}
	if opts.MinLength < 0 {
		return nil, errors.New("minLength: must not be negative")
	}
	if opts.GzipLevel < 1 || opts.GzipLevel > 9 {
		return nil, errors.New("gzipLevel: must be between 1 and 9")
	}
	if opts.BrotliLevel < 0 || opts.BrotliLevel > MaxBrotliLevel {
		return nil, fmt.Errorf("brotliLevel: must be between 0 and %d", MaxBrotliLevel)
	}
	if len(opts.ContentTypes) == 0 {
		return nil, errors.New("contentTypes: list at least one media type (\"*\" for all)")
	}
	types, i, err := wildcard.CompileList(opts.ContentTypes)
	if err != nil {
		return nil, fmt.Errorf("contentTypes[%d]: %q: %w", i, opts.ContentTypes[i], err)
	}
	c := &Compressor{
		encodings:    append([]Encoding(nil), opts.Encodings...),
		minLength:    opts.MinLength,
		types:        types,
		anyType:      types.MatchAll(),
		acceptAbsent: opts.AcceptAbsent,
	}
	c.pools.gzipLevel, c.pools.brLevel = opts.GzipLevel, opts.BrotliLevel
	return c, nil
}

// Stats returns the counts.
func (c *Compressor) Stats() Stats {
	return Stats{
		Gzip: c.stats.gzip.Load(), Brotli: c.stats.br.Load(), Uncompressed: c.stats.skipped.Load(),
		BytesIn: c.stats.in.Load(), BytesOut: c.stats.out.Load(),
	}
}

// Negotiate returns the offered coding the Accept-Encoding value v
// prefers, or Identity when it accepts none.
func (c *Compressor) Negotiate(v []byte) Encoding {
	if len(v) == 0 {
		if c.acceptAbsent && c.offers(Gzip) {
			return Gzip
		}
		return Identity
	}
	w := parseAcceptEncoding(v)
	best, bestQ := Identity, 0
	for _, e := range c.encodings {
		if q := w.of(e); q > bestQ {
			best, bestQ = e, q
		}
	}
	return best
}

func (c *Compressor) offers(e Encoding) bool {
	for _, o := range c.encodings {
		if o == e {
			return true
		}
	}
	return false
}

// Eligible reports whether resp is a reply the Compressor would compress
// for a client accepting its codings: no Content-Encoding, no
// Cache-Control: no-transform, a status with a body other than 206, and a
// matching Content-Type. Body size and streaming are not looked at.
func (c *Compressor) Eligible(resp *fasthttp.Response) bool {
	if enc := resp.Header.ContentEncoding(); len(enc) > 0 && !equalFold(enc, "identity") {
		return false
	}
	switch code := resp.StatusCode(); {
	case code < 200, code == fasthttp.StatusNoContent, code == fasthttp.StatusPartialContent, code == fasthttp.StatusNotModified:
		return false
	}
	if hasToken(resp.Header.Peek(fasthttp.HeaderCacheControl), "no-transform") {
		return false
	}
	ct := resp.Header.ContentType()
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = bytes.TrimSpace(ct)
	if len(ct) == 0 {
		// fasthttp sends text/plain when none is set; empty means the
		// header was turned off.
		return c.anyType
	}
	return c.types.Match(ct)
}

// Compress compresses the body of resp for a client that sent req, in
// place, when it is eligible, in memory, long enough and the client
// accepts an offered coding; it returns the coding used (Identity when
// the body was left alone). See the package documentation for the rules
// and the headers it sets. An error (a coding failure) leaves resp as it
// was.
func (c *Compressor) Compress(req *fasthttp.RequestHeader, resp *fasthttp.Response) (Encoding, error) {
	if req.IsHead() || !c.Eligible(resp) {
		return Identity, nil
	}
	addVary(&resp.Header)
	if resp.IsBodyStream() {
		c.stats.skipped.Add(1)
		return Identity, nil
	}
	body := resp.Body()
	if len(body) < c.minLength || len(body) == 0 {
		c.stats.skipped.Add(1)
		return Identity, nil
	}
	enc := c.Negotiate(req.Peek(fasthttp.HeaderAcceptEncoding))
	if enc == Identity {
		c.stats.skipped.Add(1)
		return Identity, nil
	}
	e := c.pools.acquire(enc)
	defer e.release()
	e.reset(&e.out)
	if _, err := e.Write(body); err != nil {
		return Identity, fmt.Errorf("%v: %w", enc, err)
	}
	if err := e.Close(); err != nil {
		return Identity, fmt.Errorf("%v: %w", enc, err)
	}
	if len(e.out.b) >= len(body) {
		c.stats.skipped.Add(1)
		return Identity, nil
	}
	c.stats.in.Add(uint64(len(body)))
	c.stats.out.Add(uint64(len(e.out.b)))
	if enc == Brotli {
		c.stats.br.Add(1)
	} else {
		c.stats.gzip.Add(1)
	}
	// Copied rather than swapped: the response's buffer holds the larger
	// plain body and keeps its capacity for the next one, and the
	// encoder's buffer stays sized for compressed output.
	resp.SetBody(e.out.b)
	setEncoded(&resp.Header, enc, len(e.out.b))
	return enc, nil
}

// PrepareStream decides whether a reply whose body is about to be
// streamed (read from its source while it is written) should be
// compressed, for a Proxy that has not installed the stream yet. size is
// the body length when known, -1 otherwise; a known size below MinLength
// is not compressed. It applies the rules of Compress and, when it
// returns Gzip or Brotli, has set the reply's headers (Content-Encoding,
// Vary, a weak ETag, no Accept-Ranges); the caller must then install
// NewReader(stream, enc) as the body stream with an unknown size (-1).
func (c *Compressor) PrepareStream(req *fasthttp.RequestHeader, resp *fasthttp.Response, size int) Encoding {
	if req.IsHead() || !c.Eligible(resp) {
		return Identity
	}
	addVary(&resp.Header)
	if size >= 0 && (size < c.minLength || size == 0) {
		c.stats.skipped.Add(1)
		return Identity
	}
	enc := c.Negotiate(req.Peek(fasthttp.HeaderAcceptEncoding))
	if enc == Identity {
		c.stats.skipped.Add(1)
		return Identity
	}
	if enc == Brotli {
		c.stats.br.Add(1)
	} else {
		c.stats.gzip.Add(1)
	}
	setEncoded(&resp.Header, enc, -1)
	return enc
}

// setEncoded sets the headers of a body compressed with enc; length -1
// means unknown (streamed).
func setEncoded(h *fasthttp.ResponseHeader, enc Encoding, length int) {
	h.SetContentEncoding(enc.String())
	h.SetContentLength(length)
	h.Del(fasthttp.HeaderAcceptRanges)
	if etag := h.Peek(fasthttp.HeaderETag); len(etag) > 0 && etag[0] == '"' {
		var buf [128]byte
		h.SetBytesV(fasthttp.HeaderETag, append(append(buf[:0], 'W', '/'), etag...))
	}
}

// addVary adds Accept-Encoding to Vary unless it is there (or Vary is *).
func addVary(h *fasthttp.ResponseHeader) {
	v := h.Peek(fasthttp.HeaderVary)
	if hasToken(v, "accept-encoding") || hasToken(v, "*") {
		return
	}
	h.Add(fasthttp.HeaderVary, fasthttp.HeaderAcceptEncoding)
}

// hasToken reports whether the comma-separated list v holds the
// lower-case token, ignoring case.
func hasToken(v []byte, token string) bool {
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		if equalFold(bytes.TrimSpace(item), token) {
			return true
		}
	}
	return false
}

// String describes the offered codings, for logs.
func (c *Compressor) String() string {
	s := "compression:"
	for _, e := range c.encodings {
		s += " " + e.String()
	}
	return s + " from " + strconv.Itoa(c.minLength) + " bytes"
}
