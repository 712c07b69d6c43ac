package httpserver

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// echoSpec configures the test-only Echo filter.
type echoSpec struct {
	// Mode "none" produces no response; "panic" panics; "block" reports on
	// the harness's entered channel and waits for its release channel.
	Mode string `json:"mode,omitempty"`
	// Body, when set, is the whole response body (for allocation tests).
	Body string `json:"body,omitempty"`
}

// echoFilter answers with the pipeline's name and what it saw of the
// request: "pipeline=<name> uri=<request URI> len=<body bytes>", the
// request's X-Forwarded-For in X-Echo-Xff, its X-Set in X-Echo-Set, its
// real IP in X-Echo-Realip and X-Echo-Streamed: yes when the body came as
// a stream.
type echoFilter struct {
	filter.Base
	spec *echoSpec
	head string
	gate *gate
}

// gate lets a test hold requests inside a pipeline.
type gate struct {
	entered chan struct{}
	release chan struct{}
}

// newEchoKind returns the Echo kind; its blocking filters use g.
func newEchoKind(g *gate) *filter.Kind {
	return &filter.Kind{
		Name:        "Echo",
		Description: "test filter that describes the request it saw",
		DefaultSpec: func() any { return &echoSpec{} },
		New: func(spec *filter.Spec) filter.Filter {
			return &echoFilter{Base: filter.NewBase(spec), spec: spec.Body.(*echoSpec), head: "pipeline=" + spec.Pipeline + " uri=", gate: g}
		},
	}
}

func (f *echoFilter) Init() error                          { return nil }
func (f *echoFilter) Inherit(previous filter.Filter) error { return nil }

func (f *echoFilter) Handle(ctx *filter.Context) string {
	switch f.spec.Mode {
	case "none":
		return ""
	case "panic":
		panic("echo: asked to panic")
	case "block":
		f.gate.entered <- struct{}{}
		<-f.gate.release
	}
	req := ctx.Request()
	resp := ctx.NewResponse()
	resp.SetStatusCode(http.StatusOK)
	if f.spec.Body != "" {
		resp.SetBodyString(f.spec.Body)
		return ""
	}
	var n int64
	if s := req.BodyStream(); s != nil {
		resp.Header.Set("X-Echo-Streamed", "yes")
		n, _ = io.Copy(io.Discard, s)
	} else {
		n = int64(len(req.Body()))
	}
	resp.Header.SetBytesV("X-Echo-Xff", req.Header.Peek("X-Forwarded-For"))
	resp.Header.SetBytesV("X-Echo-Set", req.Header.Peek("X-Set"))
	resp.Header.SetBytesV("X-Echo-Realip", req.RealIPBytes())
	resp.SetBodyString(f.head)
	resp.AppendBody(req.URI().RequestURI())
	resp.AppendBodyString(" len=" + strconv.FormatInt(n, 10))
	return ""
}

// harness runs hand-made objects on a registry of its own.
type harness struct {
	t    testing.TB
	reg  *registry.Registry
	refs *supervisor.RefTable
	gate *gate
}

func newHarness(t testing.TB) *harness {
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.ObjectClass, Kind)
	g := &gate{entered: make(chan struct{}, 16), release: make(chan struct{})}
	reg.Register(registry.FilterClass, newEchoKind(g))
	return &harness{t: t, reg: reg, refs: &supervisor.RefTable{}, gate: g}
}

func (h *harness) env() *supervisor.Env {
	return &supervisor.Env{
		Registry:  h.reg,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Refs:      h.refs,
		TrafficIP: "127.0.0.1",
	}
}

// decode parses a YAML document and decodes its fields for its kind.
func (h *harness) decode(doc string) (*supervisor.Spec, *supervisor.Kind, error) {
	spec, err := supervisor.ParseDocument([]byte(doc))
	if err != nil {
		return nil, nil, err
	}
	ent, err := h.reg.Lookup(registry.ObjectClass, spec.Kind)
	if err != nil {
		return nil, nil, err
	}
	body, err := ent.DecodeSpec(spec.Fields)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", spec.Ref(), err)
	}
	spec.Body = body
	return spec, ent.Kind.(*supervisor.Kind), nil
}

// build decodes a document and creates its object (not started).
func (h *harness) build(doc string) (supervisor.Object, error) {
	spec, kind, err := h.decode(doc)
	if err != nil {
		return nil, err
	}
	obj, err := kind.New(spec, h.env())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Ref(), err)
	}
	return obj, nil
}

// pipeline starts a pipeline with one Echo filter and publishes it under
// name. echoField is one extra YAML field of the filter ("mode: none"), or
// "".
func (h *harness) pipeline(name, echoField string) *pipeline.Pipeline {
	h.t.Helper()
	doc := "kind: Pipeline\nname: " + name + "\nfilters:\n- name: echo\n  kind: Echo\n"
	if echoField != "" {
		doc += "  " + echoField + "\n"
	}
	obj, err := h.build(doc)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		h.t.Fatal(err)
	}
	h.refs.Set(name, obj)
	h.t.Cleanup(func() { _ = obj.Close() })
	return obj.(*pipeline.Pipeline)
}

// server builds and starts an HTTPServer; Close runs at cleanup.
func (h *harness) server(doc string) *Server {
	h.t.Helper()
	obj, err := h.build(doc)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = obj.Close() })
	return obj.(*Server)
}

// newServerObject builds an HTTPServer without starting it; Close runs at
// cleanup.
func (h *harness) newServerObject(doc string) *Server {
	h.t.Helper()
	obj, err := h.build(doc)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = obj.Close() })
	return obj.(*Server)
}

// freePort returns a port that was free a moment ago on 127.0.0.1.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// result is what a test request observed.
type result struct {
	status int
	body   string
	header http.Header
	reused bool
	close  bool
}

// do sends a request with client and reads the whole response.
func do(t testing.TB, client *http.Client, method, url string, body io.Reader, header map[string]string) result {
	t.Helper()
	r, err := tryDo(client, method, url, body, header)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

func tryDo(client *http.Client, method, url string, body io.Reader, header map[string]string) (result, error) {
	var res result
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { res.reused = i.Reused }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, url, body)
	if err != nil {
		return res, err
	}
	for k, v := range header {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return res, err
	}
	res.status, res.body, res.header, res.close = resp.StatusCode, string(b), resp.Header, resp.Close
	return res, nil
}

// newClient returns a client with its own connection pool.
func newClient(t testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
