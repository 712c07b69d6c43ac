package admin

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// Server is the admin API on its own listener.
type Server struct {
	handler *Handler
	srv     *http.Server
	ln      net.Listener
	tls     bool
	served  chan struct{}
}

// Listen binds addr and serves the API, with TLS when t says so. A
// non-loopback address is refused unless credentials are configured
// (tokens, users, or a client CA).
func Listen(addr string, t TLS, cfg Config) (*Server, error) {
	var tlsConf *tls.Config
	if t.enabled() {
		c, err := serverTLS(t)
		if err != nil {
			return nil, fmt.Errorf("admin API TLS: %w", err)
		}
		tlsConf = c
		if t.ClientCAFile != "" {
			cfg.Auth.ClientCerts = true
		}
		if cfg.PeerScheme == "" {
			cfg.PeerScheme = "https"
		}
	} else if t.ClientCAFile != "" {
		return nil, errors.New("admin API TLS: clientCAFile needs certFile and keyFile")
	}
	if !isLoopbackAddr(addr) && cfg.Auth.empty() {
		return nil, fmt.Errorf("admin API on %s: a non-loopback address needs credentials (admin tokens, users or a client CA); bind 127.0.0.1 or configure them", addr)
	}
	h, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin API: %w", err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	s := &Server{
		handler: h,
		ln:      ln,
		tls:     tlsConf != nil,
		served:  make(chan struct{}),
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelDebug),
		},
	}
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.log.Error("admin API stopped serving", "address", addr, "error", err)
		}
	}()
	h.log.Info("admin API listening", "address", ln.Addr().String(), "tls", s.tls)
	return s, nil
}

// serverTLS loads the certificate and the client CA.
func serverTLS(t TLS) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
	if err != nil {
		return nil, err
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if t.ClientCAFile != "" {
		pem, err := os.ReadFile(t.ClientCAFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate found", t.ClientCAFile)
		}
		c.ClientCAs = pool
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return c, nil
}

// Addr returns the bound address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL returns the base URL of the API, e.g. http://127.0.0.1:2381.
func (s *Server) URL() string {
	scheme := "http"
	if s.tls {
		scheme = "https"
	}
	return scheme + "://" + s.ln.Addr().String()
}

// Handler returns the API handler.
func (s *Server) Handler() *Handler { return s.handler }

// Close stops the listener and waits (bounded by ctx) for requests in
// flight, then closes the connections left.
func (s *Server) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	<-s.served
	return err
}
