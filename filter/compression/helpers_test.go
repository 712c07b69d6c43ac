package compression

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"

	brotli "github.com/molecule-man/go-brrr"
)

// jsonBody returns a compressible JSON document of about n bytes.
func jsonBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"item number %d","tags":["a","b","c"],"price":%d.99}`, i, i, i%100)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// decode undoes enc ("gzip", "br" or "") with the reference decoders.
func decode(t testing.TB, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		t.Fatalf("unexpected encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	return out
}

func newGzipReader(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }

func newBrotliReader(r io.Reader) io.Reader { return brotli.NewReader(r) }
