package signer

import (
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/valyala/fasthttp"
)

// MaxBody bounds a streamed body read into memory to be hashed.
const MaxBody = 64 << 20

// unsignedPayload replaces the body hash when the body is not signed.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// appendBodyHash appends the hex SHA-256 of req's body, or
// UNSIGNED-PAYLOAD when the body is excluded. A streamed body is read
// into memory (up to MaxBody) and installed as the body, so that it can
// still be sent or read after.
func appendBodyHash(dst []byte, req *fasthttp.Request, exclude bool) ([]byte, error) {
	if exclude {
		return append(dst, unsignedPayload...), nil
	}
	var body []byte
	if req.IsBodyStream() { // before Body, which would drain it
		var err error
		if body, err = readBodyStream(req, MaxBody); err != nil {
			return dst, err
		}
	} else {
		body = req.Body()
	}
	sum := sha256.Sum256(body)
	return appendHex(dst, sum[:]), nil
}

// readBodyStream reads a streamed request body into memory, up to limit
// bytes, and installs it as the request's body. A read error or a longer
// body is an error.
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
