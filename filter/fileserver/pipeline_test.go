package fileserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/gateway"
)

// TestResultsReachableByJumpIf routes every result with jumpIf to a
// Marker named after it.
func TestResultsReachableByJumpIf(t *testing.T) {
	root := site(t)
	p, err := filtertest.NewPipeline(t, `{
		"flow": [
			{"filter": "static", "jumpIf": {"notFound": "on-notFound", "clientError": "on-clientError", "serverError": "on-serverError", "internalError": "on-internalError"}},
			{"filter": "served"}, {"filter": "END"},
			{"filter": "on-notFound"}, {"filter": "END"},
			{"filter": "on-clientError"}, {"filter": "END"},
			{"filter": "on-serverError"}, {"filter": "END"},
			{"filter": "on-internalError"}
		],
		"filters": [
			{"name": "static", "kind": "FileServer", "root": `+jsonString(root)+`, "hidden": [".git"], "index": [], "tryFiles": [], "cache": {"cacheFileExtensionFilters": []}},
			{"name": "served", "kind": "Marker"},
			{"name": "on-notFound", "kind": "Marker"},
			{"name": "on-clientError", "kind": "Marker"},
			{"name": "on-serverError", "kind": "Marker"},
			{"name": "on-internalError", "kind": "Marker"}
		]}`, Kind)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{Server: filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })}
	for _, tc := range []struct {
		method, path, marker string
		status               int
	}{
		{"GET", "/hello.txt", "served", 200},
		{"GET", "/missing", "on-notFound", 404},
		{"GET", "/.git/config", "on-notFound", 404},
		{"POST", "/hello.txt", "on-clientError", 405},
		{"GET", "/%2e%2e/x", "on-clientError", 400},
	} {
		resp := s.do(t, tc.method, tc.path)
		if tc.path == "/%2e%2e/x" {
			resp = s.raw(t, tc.path)
		}
		if resp.StatusCode() != tc.status || string(resp.Header.Peek("X-Marker")) != tc.marker {
			t.Errorf("%s %s: %d X-Marker=%q, want %d %q", tc.method, tc.path, resp.StatusCode(), resp.Header.Peek("X-Marker"), tc.status, tc.marker)
		}
	}
	filtertest.RefuseUndeclaredResult(t, `{"name": "static", "kind": "FileServer", "root": "/"}`, "static", "missing", Kind)
}

// TestGateway serves files through a real gateway from an Easegress
// document.
func TestGateway(t *testing.T) {
	root := site(t)
	port := filtertest.FreePort(t)
	docs := fmt.Sprintf(`kind: Pipeline
name: static
filters:
- name: files
  kind: FileServer
  root: %q
  index: []
  hidden: [.git]
  tryFiles: ["{path}", "/spa/index.html"]
  cache: {cacheFileExtensionFilters: [{extension: ["*.css"], etagMaxAge: 120}]}
---
kind: HTTPServer
name: web
port: %d
rules:
- paths:
  - pathPrefix: /
    backend: static
`, root, port)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	g := filtertest.StartGateway(ctx, t, []*filter.Kind{Kind}, gateway.WithTrafficIP("127.0.0.1"))
	if _, err := g.Apply(ctx, []byte(docs)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(filtertest.Timeout)
	for running := 0; running < 2; {
		running = 0
		for _, st := range g.Supervisor().Status() {
			if slices.Contains([]string{"static", "web"}, st.Name) {
				if st.Error != "" {
					t.Fatalf("%s: %s", st.Name, st.Error)
				}
				if st.Running {
					running++
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the objects are not running")
		}
		time.Sleep(10 * time.Millisecond)
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	for _, tc := range []struct{ path, want, cc string }{
		{"/", "<h1>home</h1>", ""},
		{"/style.css", "body{}", "public, max-age=120"},
		{"/some/route", "spa shell", ""},
		{"/.git/config", "spa shell", ""},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != tc.want || resp.Header.Get("Cache-Control") != tc.cc {
			t.Errorf("%s: %d %q Cache-Control %q", tc.path, resp.StatusCode, body, resp.Header.Get("Cache-Control"))
		}
		if strings.Contains(string(body), "secret") {
			t.Errorf("%s leaked a hidden file", tc.path)
		}
	}
}
