package httpserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"

	"github.com/gatewright/gatewright/supervisor"
)

// KindName is the object kind of HTTP servers.
const KindName = "HTTPServer"

// Kind is the HTTPServer object kind.
var Kind = &supervisor.Kind{
	Name:        KindName,
	Description: "Listens on one port (HTTP or HTTPS) and routes each request to a Pipeline by host, path, method, headers, query and client IP.",
	Category:    supervisor.TrafficGate,
	DefaultSpec: func() any { return DefaultSpec() },
	New:         newServer,
}

func init() {
	supervisor.Register(Kind)
}

// Server is a running HTTPServer object (one generation of it).
type Server struct {
	spec *supervisor.Spec
	body *Spec
	log  *slog.Logger
	snap *snapshot
	addr string // host:port to bind

	mu sync.Mutex
	rt *listenerRuntime // owned listener; nil before Init and after hand-over or Close
	// tracing is the owned tracer provider of the tracing spec; nil
	// without one, and after hand-over or Close (servertracing.go).
	tracing *serverTracing
	// inline are the started inline pools (the snapshot's); nil before
	// Init or Inherit, after a failed start and after Close
	// (backendpool.go).
	inline []*inlineBackend
}

var _ supervisor.Object = (*Server)(nil)

// newServer compiles the spec; it binds nothing.
func newServer(spec *supervisor.Spec, env *supervisor.Env) (supervisor.Object, error) {
	body, ok := spec.Body.(*Spec)
	if !ok || body == nil {
		return nil, fmt.Errorf("spec body is %T, want *httpserver.Spec", spec.Body)
	}
	if env == nil || env.Refs == nil {
		return nil, errors.New("the object environment has no Refs to resolve backends with")
	}
	snap, err := compile(body, env.Refs)
	if err != nil {
		return nil, err
	}
	if snap.ops, err = newServerOps(spec.Name, body, env); err != nil {
		return nil, err
	}
	if err := buildInlineBackends(spec.Name, body, snap, env); err != nil {
		return nil, err
	}
	host := body.Address
	if host == "" {
		host = env.TrafficIP
	}
	return &Server{
		spec: spec,
		body: body,
		log:  env.Log(),
		snap: snap,
		addr: net.JoinHostPort(host, strconv.Itoa(int(body.Port))),
	}, nil
}

// Spec returns the spec the server was created from.
func (s *Server) Spec() *supervisor.Spec { return s.spec }

// Init starts the inline pools, builds the server's own tracer provider
// (when it has a tracing spec), binds the listener and starts serving. On
// failure what was started is closed again.
func (s *Server) Init() error {
	s.mu.Lock()
	started := s.rt != nil || s.tracing != nil || s.inline != nil
	s.mu.Unlock()
	if started {
		return errors.New("already started")
	}
	s.warnForgeableClientIP()
	if err := s.startInline(nil); err != nil {
		return err
	}
	undo, err := s.startTracing(nil)
	if err != nil {
		s.stopInline()
		return err
	}
	if err := s.listen(); err != nil {
		undo()
		s.stopInline()
		return err
	}
	return nil
}

// startInline starts the snapshot's inline pools, inheriting from those
// prev (nil for Init) runs, and makes the server their owner.
func (s *Server) startInline(prev *Server) error {
	var olds []*inlineBackend
	if prev != nil {
		prev.mu.Lock()
		olds = prev.inline
		prev.mu.Unlock()
	}
	if err := startInline(s.snap.inline, olds); err != nil {
		return err
	}
	s.mu.Lock()
	s.inline = s.snap.inline
	s.mu.Unlock()
	return nil
}

// stopInline closes the inline pools of a start that failed later on.
func (s *Server) stopInline() {
	s.mu.Lock()
	list := s.inline
	s.inline = nil
	s.mu.Unlock()
	if err := closeInline(list); err != nil {
		s.log.Warn("closing the inline pools of a server that failed to start", "error", err)
	}
}

// listen binds the listener and starts serving the snapshot.
func (s *Server) listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rt != nil {
		return errors.New("already started")
	}
	rt, err := startRuntime(s.addr, s.snap, s.log)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.addr, err)
	}
	s.rt = rt
	s.log.Info("HTTP server listening", "address", rt.ln.Addr().String(), "https", s.snap.https)
	return nil
}

// Inherit starts the server in place of previous. Its inline pools
// inherit the connection pools and health states of previous's (see
// matchInline). It takes previous's tracer provider over when the tracing
// spec is unchanged, and builds its own otherwise. With the same bind address it takes previous's listener
// over, with its open connections, and swaps in the new routing and TLS
// material; previous then owns nothing but a tracer provider it no longer
// serves with. Otherwise it binds the new address first; if that fails,
// previous keeps serving (with its tracer provider) and its Close later
// closes its own listener.
func (s *Server) Inherit(previous supervisor.Object) error {
	prev, ok := previous.(*Server)
	if !ok || prev == nil || prev == s {
		return s.Init()
	}
	if !prev.snap.forgeableClientIP() {
		s.warnForgeableClientIP()
	}
	if err := s.startInline(prev); err != nil {
		return err
	}
	undo, err := s.startTracing(prev)
	if err != nil {
		s.stopInline()
		return err
	}
	prev.mu.Lock()
	prt := prev.rt
	if prt == nil || prt.addr != s.addr {
		prev.mu.Unlock()
		if err := s.listen(); err != nil {
			undo()
			s.stopInline()
			if prt != nil {
				return fmt.Errorf("%w (the listener on %s keeps serving)", err, prt.addr)
			}
			return err
		}
		return nil
	}
	// Nothing below can fail: take the listener over.
	prev.rt = nil
	prev.mu.Unlock()
	prt.install(s.snap)
	s.mu.Lock()
	s.rt = prt
	s.mu.Unlock()
	return nil
}

// Close stops the listener it still owns, gracefully: in-flight requests
// finish (bounded), idle connections close. Then it closes its inline
// pools once their in-flight requests finished (bounded), releasing the
// connection pools and health checks no successor took over, and shuts
// down the tracer provider it still owns, exporting the spans it holds
// (bounded).
func (s *Server) Close() error {
	s.mu.Lock()
	rt, tr, inline := s.rt, s.tracing, s.inline
	s.rt, s.tracing, s.inline = nil, nil, nil
	s.mu.Unlock()
	var err error
	if rt != nil {
		err = rt.close(shutdownGrace)
	}
	return errors.Join(err, closeInline(inline), tr.shutdown())
}

// Addr returns the bound address, or nil when the server does not own a
// listener (not started, handed over or closed).
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rt == nil {
		return nil
	}
	return s.rt.ln.Addr()
}

// Status is the runtime status of an HTTP server. It holds no secrets:
// certificates are described, never their keys.
type Status struct {
	// Address is the bind address.
	Address string `json:"address"`
	// Listening is false before Init and after Close or hand-over.
	Listening bool `json:"listening"`
	// HTTPS tells whether TLS is served.
	HTTPS bool `json:"https"`
	// MutualTLS tells whether client certificates are required.
	MutualTLS bool `json:"mutualTLS,omitempty"`
	// OpenConnections is the number of client connections open now.
	OpenConnections int `json:"openConnections"`
	// AcceptedConnections counts connections accepted since the listener
	// was bound (across generations that kept it).
	AcceptedConnections uint64 `json:"acceptedConnections"`
	// Rules counts the routing rules.
	Rules int `json:"rules"`
	// Routes counts the paths of all rules.
	Routes int `json:"routes"`
	// RouterKind is Ordered or RadixTree.
	RouterKind string `json:"routerKind"`
	// RouteCache describes the route-decision cache; absent when
	// cacheSize is 0.
	RouteCache *RouteCacheStatus `json:"routeCache,omitempty"`
	// Certificates describes the loaded certificates.
	Certificates []CertificateStatus `json:"certificates,omitempty"`
	// BackendPools lists the inline pools of the paths with a
	// backendPool, in spec order.
	BackendPools []BackendPoolStatus `json:"backendPools,omitempty"`
}

// Status returns the server's status.
func (s *Server) Status() any {
	st := Status{
		Address:    s.addr,
		HTTPS:      s.snap.https,
		Rules:      len(s.snap.router.rules),
		Routes:     s.snap.routes,
		RouterKind: s.snap.routerKind,
		RouteCache: s.snap.cache.status(),
		// The snapshot's pools: started or not, their status is their
		// configuration at least.
		BackendPools: inlineStatus(s.snap.inline),
	}
	if s.snap.tls != nil {
		st.MutualTLS = s.snap.tls.mtls
		st.Certificates = s.snap.tls.certs
	}
	s.mu.Lock()
	rt := s.rt
	s.mu.Unlock()
	if rt != nil {
		st.Listening = true
		st.OpenConnections = rt.ln.openConns()
		st.AcceptedConnections = rt.ln.accepted.Load()
	}
	return st
}
