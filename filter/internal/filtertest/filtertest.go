// Package filtertest helps the built-in filters' tests: it decodes specs
// through a registry as a pipeline does, creates filters, prepares
// detached contexts, and runs a real fasthttp server on 127.0.0.1 whose
// handler drives a filter.Context for every request.
package filtertest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/registry"
	"github.com/valyala/fasthttp"
)

// ClientIP is the real IP that contexts made here carry.
const ClientIP = "127.0.0.1"

// Timeout bounds every request a test sends and every shutdown.
const Timeout = 10 * time.Second

// Decode decodes fields (the kind's own fields, as JSON) through a fresh
// registry holding only kind: schema, strict decoding and Validate.
func Decode(kind *filter.Kind, fields string) (any, error) {
	r := registry.New()
	r.Register(registry.FilterClass, kind)
	e, err := r.Lookup(registry.FilterClass, kind.Name)
	if err != nil {
		return nil, err
	}
	return e.DecodeSpec([]byte(fields))
}

// New decodes fields, creates the filter named "f" (logging nowhere) and
// initialises it; it fails the test on any error.
func New(t testing.TB, kind *filter.Kind, fields string) filter.Filter {
	t.Helper()
	body, err := Decode(kind, fields)
	if err != nil {
		t.Fatalf("decode %s %s: %v", kind.Name, fields, err)
	}
	f := kind.New(&filter.Spec{Name: "f", Kind: kind, Pipeline: "test", Body: body, Env: &filter.Env{Logger: slog.New(slog.DiscardHandler)}})
	if err := f.Init(); err != nil {
		t.Fatalf("init %s: %v", kind.Name, err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// Detached returns a context carrying req in DEFAULT, as a background
// caller would make it.
func Detached(req *fasthttp.Request) *filter.Context {
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte(ClientIP), time.Now())
	return ctx
}

// Server is a fasthttp server on 127.0.0.1.
type Server struct {
	// Addr is the listening address, host:port.
	Addr   string
	srv    *fasthttp.Server
	client *fasthttp.Client
	done   chan error
}

// Serve starts a server whose handler resets a filter.Context from the
// request and passes it to handle; whatever handle leaves in the DEFAULT
// response is the reply. The server is shut down when the test ends.
func Serve(t testing.TB, handle func(ctx *filter.Context)) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", ClientIP+":0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), client: &fasthttp.Client{}, done: make(chan error, 1)}
	s.srv = &fasthttp.Server{
		Handler: func(rc *fasthttp.RequestCtx) {
			ctx := filter.NewContext()
			ctx.Reset(rc, []byte(ClientIP), time.Now())
			handle(ctx)
			ctx.Finish()
		},
		ReadTimeout:  Timeout,
		WriteTimeout: Timeout,
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	t.Cleanup(func() {
		s.client.CloseIdleConnections()
		_ = s.Shutdown()
	})
	return s
}

// Shutdown stops the server, waiting (bounded) for open requests.
func (s *Server) Shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	err := s.srv.ShutdownWithContext(ctx)
	select {
	case serr := <-s.done:
		if err == nil && serr != nil && !errors.Is(serr, net.ErrClosed) {
			err = serr
		}
		s.done <- serr // let a second Shutdown return too
	case <-ctx.Done():
		if err == nil {
			err = ctx.Err()
		}
	}
	return err
}

// Do sends req to the server (its URI path and query are kept; the host
// is the server) and fills resp, bounded by Timeout.
func (s *Server) Do(req *fasthttp.Request, resp *fasthttp.Response) error {
	req.SetHost(s.Addr)
	req.URI().SetScheme("http")
	return s.client.DoTimeout(req, resp, Timeout)
}

// SkipAllocsUnderRace skips an allocation assertion when the race
// detector is on (see RaceEnabled).
func SkipAllocsUnderRace(t testing.TB) {
	t.Helper()
	if RaceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector (sync.Pool drops items)")
	}
}
