package fileserver

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// meta is what the headers of a representation say.
type meta struct {
	ctype, etag, lastMod, cacheControl, encoding []byte
	mtime                                        int64 // unix seconds, as Last-Modified
	size                                         int64 // bytes of the representation; -1 when unknown
	ranges                                       bool  // Range requests are honoured
	vary                                         bool  // Vary: Accept-Encoding
}

// writeHeaders sets the headers every reply of m carries (200, 206, 304).
func writeHeaders(h *fasthttp.ResponseHeader, m *meta) {
	h.SetContentTypeBytes(m.ctype)
	h.SetBytesV(fasthttp.HeaderETag, m.etag)
	h.SetBytesV(fasthttp.HeaderLastModified, m.lastMod)
	if m.cacheControl != nil {
		h.SetBytesV(fasthttp.HeaderCacheControl, m.cacheControl)
	}
	if m.encoding != nil {
		h.SetContentEncodingBytes(m.encoding)
	}
	if m.vary {
		h.Set(fasthttp.HeaderVary, fasthttp.HeaderAcceptEncoding)
	}
	if m.ranges {
		h.Set(fasthttp.HeaderAcceptRanges, "bytes")
	}
}

// notModified reports whether the request's validators match m:
// If-None-Match when sent (weak comparison, or *), otherwise
// If-Modified-Since.
func notModified(req *fasthttp.RequestHeader, m *meta) bool {
	if inm := req.Peek(fasthttp.HeaderIfNoneMatch); len(inm) > 0 {
		return etagListMatch(inm, m.etag)
	}
	if ims := req.Peek(fasthttp.HeaderIfModifiedSince); len(ims) > 0 {
		t, err := fasthttp.ParseHTTPDate(ims)
		return err == nil && m.mtime <= t.Unix()
	}
	return false
}

// etagListMatch reports whether the If-None-Match list holds etag,
// comparing weakly (W/ ignored), or is "*".
func etagListMatch(list, etag []byte) bool {
	etag = trimWeak(etag)
	for len(list) > 0 {
		var item []byte
		if i := bytes.IndexByte(list, ','); i >= 0 {
			item, list = list[:i], list[i+1:]
		} else {
			item, list = list, nil
		}
		item = bytes.TrimSpace(item)
		if len(item) == 1 && item[0] == '*' {
			return true
		}
		if bytes.Equal(trimWeak(item), etag) {
			return true
		}
	}
	return false
}

// rangeOf returns the single byte range the request asks for, if it
// should be honoured: a Range header of one range, and If-Range (if any)
// naming the current strong ETag or Last-Modified. Several ranges are
// answered with the whole file. ok false with bad true means an
// unsatisfiable range (416).
func rangeOf(req *fasthttp.RequestHeader, m *meta) (start, end int64, ok, bad bool) {
	rh := req.Peek(fasthttp.HeaderRange)
	if len(rh) == 0 || !m.ranges || m.size < 0 || bytes.IndexByte(rh, ',') >= 0 {
		return 0, 0, false, false
	}
	if ir := req.Peek(fasthttp.HeaderIfRange); len(ir) > 0 {
		if ir[0] == '"' {
			if !bytes.Equal(ir, m.etag) {
				return 0, 0, false, false
			}
		} else if t, err := fasthttp.ParseHTTPDate(ir); err != nil || t.Unix() != m.mtime {
			return 0, 0, false, false
		}
	}
	s, e, err := fasthttp.ParseByteRange(rh, int(m.size))
	if err != nil {
		return 0, 0, false, true
	}
	return int64(s), int64(e), true, false
}

// reply writes the representation m to resp: 304 when the validators
// match, 206 or 416 for a range, otherwise 200; the body is data or,
// when data is nil, file (closed here unless handed to the response as
// its body stream). HEAD replies carry the headers only.
func reply(req *fasthttp.Request, resp *fasthttp.Response, m *meta, data []byte, file *os.File) string {
	writeHeaders(&resp.Header, m)
	if notModified(&req.Header, m) {
		closeFile(file)
		resp.SetStatusCode(fasthttp.StatusNotModified)
		resp.SkipBody = true
		return ""
	}
	start, end := int64(0), m.size-1
	status := fasthttp.StatusOK
	if s, e, ok, bad := rangeOf(&req.Header, m); bad {
		closeFile(file)
		resp.Header.Del(fasthttp.HeaderETag)
		resp.Header.Del(fasthttp.HeaderLastModified)
		resp.Header.Del(fasthttp.HeaderCacheControl)
		resp.Header.Del(fasthttp.HeaderContentEncoding)
		var buf [48]byte
		resp.Header.SetBytesV(fasthttp.HeaderContentRange, strconv.AppendInt(append(buf[:0], "bytes */"...), m.size, 10))
		resp.SetStatusCode(fasthttp.StatusRequestedRangeNotSatisfiable)
		resp.SetBodyString("range not satisfiable")
		resp.Header.SetContentType(textPlain)
		return ResultClientError
	} else if ok {
		start, end, status = s, e, fasthttp.StatusPartialContent
		var buf [80]byte
		b := append(buf[:0], "bytes "...)
		b = strconv.AppendInt(b, start, 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, end, 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, m.size, 10)
		resp.Header.SetBytesV(fasthttp.HeaderContentRange, b)
	}
	resp.SetStatusCode(status)
	if req.Header.IsHead() {
		closeFile(file)
		resp.SkipBody = true
		resp.Header.SetContentLength(int(end - start + 1))
		return ""
	}
	if data != nil || file == nil {
		resp.SetBodyRaw(data[start : end+1])
		return ""
	}
	if m.size < 0 {
		resp.SetBodyStream(file, -1)
		return ""
	}
	resp.SetBodyStream(&section{SectionReader: io.NewSectionReader(file, start, end-start+1), file: file}, int(end-start+1))
	return ""
}

// section streams part of a file and closes the file after.
type section struct {
	*io.SectionReader
	file *os.File
}

// Close closes the file.
func (s *section) Close() error { return s.file.Close() }

func closeFile(f *os.File) {
	if f != nil {
		_ = f.Close()
	}
}

// textPlain is the type of the filter's own error replies.
const textPlain = "text/plain; charset=utf-8"

// httpDate formats t as an HTTP date.
func httpDate(t time.Time) []byte { return fasthttp.AppendHTTPDate(nil, t) }

// trimWeak drops a W/ prefix.
func trimWeak(tag []byte) []byte {
	if len(tag) >= 2 && tag[0] == 'W' && tag[1] == '/' {
		return tag[2:]
	}
	return tag
}
