package signer

import (
	"crypto/sha256"

	"github.com/valyala/fasthttp"
)

// appendRequestHead appends the first lines of the canonical request of
// req: the method, the canonical URI (see appendCanonicalPath for
// decodePath) and the canonical query (see appendCanonicalQuery for drop
// and plus), each ending with a newline. It reports whether the query
// held a space; a malformed query escape is an error.
func (sc *scratch) appendRequestHead(dst []byte, req *fasthttp.Request, drop []string, plus, decodePath bool) ([]byte, bool, error) {
	dst = append(dst, req.Header.Method()...)
	dst = append(dst, '\n')
	dst = appendCanonicalPath(dst, req.URI().PathOriginal(), decodePath)
	dst = append(dst, '\n')
	dst, space, err := sc.appendCanonicalQuery(dst, req.URI().QueryString(), drop, plus)
	if err != nil {
		return dst, false, err
	}
	return append(dst, '\n'), space, nil
}

// appendRequestTail appends the last lines of the canonical request,
// after the canonical headers and their blank line: the signed header
// names and the body hash.
func appendRequestTail[T string | []byte](dst []byte, names T, bodyHash []byte) []byte {
	dst = append(dst, names...)
	dst = append(dst, '\n')
	return append(dst, bodyHash...)
}

// appendStringToSign appends the string to sign: the algorithm, the
// signing time, the credential scope and the hex SHA-256 of the canonical
// request, one per line.
func appendStringToSign(dst []byte, algorithm string, stamp, scope, canonical []byte) []byte {
	dst = append(dst, algorithm...)
	dst = append(dst, '\n')
	dst = append(dst, stamp...)
	dst = append(dst, '\n')
	dst = append(dst, scope...)
	dst = append(dst, '\n')
	sum := sha256.Sum256(canonical)
	return appendHex(dst, sum[:])
}
