package validator

import (
	"fmt"
	"io"

	"github.com/valyala/fasthttp"
)

// readBodyStream reads a streamed request body into memory, up to limit
// bytes, and installs it as the request's body so that the filters after
// still see it. A read error or a longer body is an error.
func readBodyStream(req *fasthttp.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(req.BodyStream(), limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %v", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("the body is larger than %d bytes", limit)
	}
	req.SwapBody(body) // closes the drained stream
	return body, nil
}
