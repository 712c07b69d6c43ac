package fileserver

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// tree writes files (path → content) under a new temporary directory and
// returns it.
func tree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// jsonString quotes s for a JSON spec.
func jsonString(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

// server runs a FileServer built from fields (root is added) behind a
// real fasthttp server on 127.0.0.1.
type server struct {
	*filtertest.Server
	f *FileServer
}

func serve(t testing.TB, root, fields string) *server {
	t.Helper()
	if fields != "" {
		fields = ", " + fields
	}
	f := filtertest.New(t, Kind, `{"root": `+jsonString(root)+fields+`}`).(*FileServer)
	s := filtertest.Serve(t, func(ctx *filter.Context) { f.Handle(ctx) })
	return &server{Server: s, f: f}
}

// do sends method path with headers ("Name: value") and returns the reply.
func (s *server) do(t testing.TB, method, path string, headers ...string) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI(path)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp := &fasthttp.Response{}
	if method == fasthttp.MethodHead {
		resp.SkipBody = true
	}
	if err := s.Do(req, resp); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func (s *server) get(t testing.TB, path string, headers ...string) *fasthttp.Response {
	t.Helper()
	return s.do(t, fasthttp.MethodGet, path, headers...)
}

// raw sends the request line "GET target HTTP/1.1" as it is, unnormalised,
// and returns the reply.
func (s *server) raw(t testing.TB, target string) *fasthttp.Response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr, filtertest.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(filtertest.Timeout))
	if _, err := conn.Write([]byte("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp := &fasthttp.Response{}
	if err := resp.Read(bufio.NewReader(conn)); err != nil {
		t.Fatalf("GET %q: %v", target, err)
	}
	return resp
}

// expect checks a reply's status and, when body is not "-", its body.
func expect(t testing.TB, what string, resp *fasthttp.Response, status int, body string) {
	t.Helper()
	if resp.StatusCode() != status || (body != "-" && string(resp.Body()) != body) {
		t.Fatalf("%s: got %d %q, want %d %q", what, resp.StatusCode(), resp.Body(), status, body)
	}
}
