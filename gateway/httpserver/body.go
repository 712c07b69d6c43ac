package httpserver

import (
	"io"

	"github.com/valyala/fasthttp"
)

// limitBody enforces a route's body cap (limit < 0: unlimited) and returns
// 0, or the status to answer with: 413 over the cap, 400 when the body
// cannot be read.
//
// The server reads bodies as streams so that unlimited routes can pass
// them on without buffering. For a capped route the body is read here, at
// most limit+1 bytes, and set as the request body, so that filters see an
// ordinary in-memory body. An empty body's stream is dropped as well.
func (st *requestState) limitBody(req *fasthttp.Request, limit int64) int {
	cl := req.Header.ContentLength()
	if limit >= 0 && cl > 0 && int64(cl) > limit {
		return fasthttp.StatusRequestEntityTooLarge
	}
	stream := req.BodyStream()
	if stream == nil {
		if limit >= 0 && int64(len(req.Body())) > limit {
			return fasthttp.StatusRequestEntityTooLarge
		}
		return 0
	}
	if cl == 0 {
		_ = req.CloseBodyStream()
		return 0
	}
	if limit < 0 {
		return 0
	}
	b := st.body[:0]
	for empty := 0; ; {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		room := cap(b) - len(b)
		if rest := limit + 1 - int64(len(b)); int64(room) > rest {
			room = int(rest)
		}
		n, err := stream.Read(b[len(b) : len(b)+room])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			st.body = b
			return fasthttp.StatusRequestEntityTooLarge
		}
		if err == io.EOF {
			break
		}
		if n == 0 && err == nil {
			if empty++; empty > 100 {
				err = io.ErrNoProgress
			}
		}
		if err != nil {
			st.body = b
			return fasthttp.StatusBadRequest
		}
	}
	// Hand the bytes read to the request without copying; the buffer it
	// held (the stream's prefetch, consumed) becomes the next scratch.
	st.body = req.SwapBody(b)[:0]
	return 0
}
