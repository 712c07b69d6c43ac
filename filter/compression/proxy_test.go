package compression_test

// These tests run in a package of their own: filter/proxy imports
// filter/compression for its compression option.

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/compression"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
)

// get sends GET path with Accept-Encoding accept (none when empty) to a
// real server and returns the raw reply.
func get(t *testing.T, addr, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	c := &http.Client{Timeout: filtertest.Timeout, Transport: &http.Transport{DisableCompression: true}}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// upstream serves /json (a large JSON document), /small, /gz (a body
// gzipped by the upstream itself) and /png.
func upstream(t *testing.T, doc []byte) string {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(doc)
	_ = zw.Close()
	return filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(doc)
		case "/small":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}`))
		case "/gz":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gz.Bytes())
		case "/png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(doc)
		}
	})
}

// TestThroughProxy compresses real upstream replies fetched by a Proxy,
// as a client sees them.
func TestThroughProxy(t *testing.T) {
	doc := compression.JSONBody(32 << 10)
	p, err := filtertest.NewPipeline(t, `{
		"filters": [{"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "`+upstream(t, doc)+`"}]}]},
		            {"name": "squeeze", "kind": "Compression", "minLength": 1024}]}`, compression.Kind, proxy.Kind)
	if err != nil {
		t.Fatal(err)
	}
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	for _, tc := range []struct {
		path, accept, encoding string
	}{
		{"/json", "gzip, deflate, br", "br"},
		{"/json", "gzip", "gzip"},
		{"/json", "", ""},
		{"/json", "br;q=0, gzip;q=0", ""},
		{"/small", "gzip", ""},
		{"/png", "gzip", ""},
		{"/gz", "gzip, br", "gzip"}, // the upstream's own gzip, not compressed again
	} {
		resp, body := get(t, s.Addr, tc.path, tc.accept)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != tc.encoding {
			t.Errorf("%s with %q: status %d, Content-Encoding %q, want %q", tc.path, tc.accept, resp.StatusCode, resp.Header.Get("Content-Encoding"), tc.encoding)
			continue
		}
		plain := compression.Decode(t, tc.encoding, body)
		want := doc
		if tc.path == "/small" {
			want = []byte(`{"ok":true}`)
		}
		if !bytes.Equal(plain, want) {
			t.Errorf("%s with %q: the body does not decode to the upstream's", tc.path, tc.accept)
		}
		if tc.path == "/json" && resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s with %q: Vary %q", tc.path, tc.accept, resp.Header.Get("Vary"))
		}
		if tc.encoding != "" && tc.path == "/json" && resp.ContentLength != int64(len(body)) {
			t.Errorf("%s with %q: Content-Length %d for %d bytes", tc.path, tc.accept, resp.ContentLength, len(body))
		}
	}
}
