package fileserver

import (
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"strconv"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/compression"
	"github.com/valyala/fasthttp"
)

// KindName is the FileServer filter's kind name.
const KindName = "FileServer"

// Results of the FileServer filter. A file served (200, 206 or 304)
// returns "".
const (
	// ResultInternalError: the filter failed on its own (500).
	ResultInternalError = "internalError"
	// ResultServerError: reading a file failed (500).
	ResultServerError = "serverError"
	// ResultClientError: a bad path (400), method (405) or range (416).
	ResultClientError = "clientError"
	// ResultNotFound: no file to serve (404, or the tryFiles reply).
	ResultNotFound = "notFound"
)

// Kind is the FileServer filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "FileServer serves static files from a directory, with index files, hidden paths, tryFiles, precompressed siblings and an in-memory cache.",
	Results:     []string{ResultInternalError, ResultServerError, ResultClientError, ResultNotFound},
	DefaultSpec: newSpec,
	New:         newFileServer,
}

func init() { filter.Register(Kind) }

// FileServer is a running FileServer filter.
type FileServer struct {
	filter.Base
	cfg   *config
	err   error
	root  *os.Root
	cache *cache
	gzip  *compression.Compressor // on-the-fly gzip; nil when compress is off
	br    *compression.Compressor // negotiates br for precompressed siblings
}

var _ filter.Filter = (*FileServer)(nil)

func newFileServer(spec *filter.Spec) filter.Filter {
	f := &FileServer{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		f.err = fmt.Errorf("fileserver: spec body is %T, want *fileserver.Spec", spec.Body)
		return f
	}
	if f.cfg, f.err = compile(s); f.err != nil {
		return f
	}
	f.cache = newCache(f.cfg.poolSize, f.cfg.maxFileSize, f.cfg.ttl)
	opts := compression.DefaultOptions()
	opts.Encodings = []compression.Encoding{compression.Gzip}
	opts.MinLength = 1
	if f.gzip, f.err = compression.New(opts); f.err != nil {
		return f
	}
	opts.Encodings = []compression.Encoding{compression.Brotli}
	f.br, f.err = compression.New(opts)
	return f
}

// Validate reports a spec the filter could not be built from.
func (f *FileServer) Validate() error { return f.err }

// Init opens the root directory; it must exist and be a directory.
func (f *FileServer) Init() error {
	if f.err != nil {
		return f.err
	}
	root, err := os.OpenRoot(f.cfg.root)
	if err != nil {
		return fmt.Errorf("root: %w", err)
	}
	f.root = root
	return nil
}

// Inherit is Init: the new generation opens the root again and starts
// with an empty cache, since its settings may differ; the previous
// generation keeps its own until it is closed.
func (f *FileServer) Inherit(filter.Filter) error { return f.Init() }

// Close closes the root and empties the cache. Streams already handed to
// responses hold their own file descriptors and finish.
func (f *FileServer) Close() error {
	if f.cache != nil {
		f.cache.clear()
	}
	if f.root != nil {
		return f.root.Close()
	}
	return nil
}

// Status returns the cache counts.
func (f *FileServer) Status() any {
	if f.cache == nil {
		return Stats{}
	}
	return f.cache.stats()
}

// Handle serves the file the request path names in the current
// namespace's response.
func (f *FileServer) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() || f.root == nil {
		return fail(ctx, fasthttp.StatusInternalServerError, "file server not ready", ResultInternalError)
	}
	r := req.Request
	if !r.Header.IsGet() && !r.Header.IsHead() {
		resp := ctx.NewResponse().Response
		resp.Header.Set(fasthttp.HeaderAllow, "GET, HEAD")
		return failResp(resp, fasthttp.StatusMethodNotAllowed, "method not allowed", ResultClientError)
	}
	mask := f.acceptMask(&r.Header)
	var kb [256]byte
	key := append(append(kb[:0], mask), r.URI().PathOriginal()...)
	now := ctx.Started().UnixNano()
	if e := f.cache.get(key, now); e != nil && f.fresh(e, now) {
		f.cache.hits.Add(1)
		return reply(r, ctx.NewResponse().Response, &e.meta, e.data, nil)
	}
	f.cache.misses.Add(1)
	return f.serveMiss(ctx, r, string(key), mask, now)
}

// acceptMask returns the codings the client accepts among those the
// filter could use (bit 1 gzip, bit 2 br); it is part of the cache key.
func (f *FileServer) acceptMask(h *fasthttp.RequestHeader) byte {
	if len(f.cfg.precompressed) == 0 && !f.cfg.compress {
		return 0
	}
	ae := h.Peek(fasthttp.HeaderAcceptEncoding)
	if len(ae) == 0 {
		return 0
	}
	var m byte
	if f.gzip.Negotiate(ae) == compression.Gzip {
		m |= encBit(compression.Gzip)
	}
	if f.br.Negotiate(ae) == compression.Brotli {
		m |= encBit(compression.Brotli)
	}
	return m
}

// fresh reports whether a cache hit may be served. A direct entry is
// checked against the disk every Revalidate (a changed size or mtime, or
// a file gone, drops it); an entry reached through a fallback (tryFiles,
// a later index name, a missing sibling) is resolved again instead, since
// a file that an earlier candidate names may have appeared.
func (f *FileServer) fresh(e *entry, now int64) bool {
	if now-e.checked.Load() < int64(f.cache.revalidate) {
		return true
	}
	if e.direct {
		if info, err := f.root.Stat(e.rel); err == nil && info.Mode().IsRegular() &&
			info.Size() == e.diskSize && info.ModTime().UnixNano() == e.diskMtime {
			e.checked.Store(now)
			return true
		}
	}
	f.cache.remove(e)
	return false
}

// serveMiss locates the file, reads it into the cache when it is small
// enough, and replies; a large file is streamed.
func (f *FileServer) serveMiss(ctx *filter.Context, r *fasthttp.Request, key string, mask byte, now int64) string {
	loc, out := f.locate(string(r.URI().PathOriginal()), mask)
	switch out {
	case badPath:
		return fail(ctx, fasthttp.StatusBadRequest, "bad request", ResultClientError)
	case missing:
		if m := f.cfg.tryMiss; m != nil {
			resp := ctx.NewResponse()
			resp.SetStatusCode(m.code)
			resp.Header.SetContentType(textPlain)
			resp.SetBodyRaw(m.body)
			return ResultNotFound
		}
		return fail(ctx, fasthttp.StatusNotFound, "not found", ResultNotFound)
	}
	m := f.metaOf(&loc)
	gzipOnTheFly := f.cfg.compress && loc.enc == compression.Identity && mask&encBit(compression.Gzip) != 0 && f.compressible(m.ctype)
	size := loc.info.Size()
	if !f.cache.fits(size) {
		resp := ctx.NewResponse().Response
		if gzipOnTheFly {
			rd, err := f.gzip.NewReader(loc.file, compression.Gzip)
			if err != nil {
				closeFile(loc.file)
				return fail(ctx, fasthttp.StatusInternalServerError, "internal error", ResultInternalError)
			}
			m.size, m.ranges, m.encoding = -1, false, []byte("gzip")
			m.etag = append(m.etag[:len(m.etag)-1:len(m.etag)-1], `-gzip"`...)
			if r.Header.IsHead() {
				_ = rd.Close()
				writeHeaders(&resp.Header, &m)
				resp.SkipBody = true
				return ""
			}
			writeHeaders(&resp.Header, &m)
			if notModified(&r.Header, &m) {
				_ = rd.Close()
				resp.SetStatusCode(fasthttp.StatusNotModified)
				resp.SkipBody = true
				return ""
			}
			resp.SetBodyStream(rd, -1)
			return ""
		}
		return reply(r, resp, &m, nil, loc.file)
	}
	data := make([]byte, size)
	_, err := io.ReadFull(loc.file, data)
	closeFile(loc.file)
	if err != nil {
		return fail(ctx, fasthttp.StatusInternalServerError, "read error", ResultServerError)
	}
	e := &entry{meta: m, key: key, rel: loc.rel, data: data, direct: loc.direct,
		diskSize: size, diskMtime: loc.info.ModTime().UnixNano()}
	if gzipOnTheFly {
		if z, ok := f.gzipData(data, m.ctype); ok {
			e.data, e.size, e.encoding = z, int64(len(z)), []byte("gzip")
			e.etag = append(e.etag[:len(e.etag)-1:len(e.etag)-1], `-gzip"`...)
		}
	}
	f.cache.put(e, now)
	return reply(r, ctx.NewResponse().Response, &e.meta, e.data, nil)
}

// metaOf prepares the headers of a located file.
func (f *FileServer) metaOf(loc *located) meta {
	mt := loc.info.ModTime()
	m := meta{
		ctype:        []byte(contentType(loc.orig)),
		lastMod:      httpDate(mt),
		cacheControl: f.cfg.cacheControl(loc.orig),
		mtime:        mt.Unix(),
		size:         loc.info.Size(),
		ranges:       true,
		vary:         len(f.cfg.precompressed) > 0 || f.cfg.compress,
	}
	etag := make([]byte, 0, 48)
	etag = append(etag, '"')
	etag = strconv.AppendInt(etag, mt.UnixNano(), 36)
	etag = append(etag, '-')
	etag = strconv.AppendInt(etag, loc.info.Size(), 36)
	if loc.enc != compression.Identity {
		m.encoding = []byte(loc.enc.String())
		etag = append(etag, '-')
		etag = append(etag, loc.enc.String()...)
	}
	m.etag = append(etag, '"')
	return m
}

// compressible reports whether a file of type ctype is worth gzipping
// (the Compression filter's default media types).
func (f *FileServer) compressible(ctype []byte) bool {
	var resp fasthttp.Response
	resp.Header.SetContentTypeBytes(ctype)
	return f.gzip.Eligible(&resp)
}

// gzipData compresses data; ok is false when that would not make it
// smaller.
func (f *FileServer) gzipData(data, ctype []byte) ([]byte, bool) {
	var req fasthttp.RequestHeader
	req.Set(fasthttp.HeaderAcceptEncoding, "gzip")
	var resp fasthttp.Response
	resp.Header.SetContentTypeBytes(ctype)
	resp.SetBodyRaw(data)
	enc, err := f.gzip.Compress(&req, &resp)
	if err != nil || enc != compression.Gzip {
		return nil, false
	}
	return append([]byte(nil), resp.Body()...), true
}

// contentType is the media type of a file name by its extension.
func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// fail replies with a short text status in a new response.
func fail(ctx *filter.Context, code int, msg, result string) string {
	return failResp(ctx.NewResponse().Response, code, msg, result)
}

// failResp writes a short text status to resp.
func failResp(resp *fasthttp.Response, code int, msg, result string) string {
	resp.SetStatusCode(code)
	resp.Header.SetContentType(textPlain)
	resp.SetBodyString(msg)
	return result
}
