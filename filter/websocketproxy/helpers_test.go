package websocketproxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// wait bounds every exchange a test makes.
const wait = 10 * time.Second

// echoServer is a real WebSocket server on 127.0.0.1 (net/http and
// coder/websocket): it echoes every message, closes with code N and
// reason R on the text message "close N R", and remembers what it saw.
type echoServer struct {
	name string
	url  string // ws://127.0.0.1:port
	ln   net.Listener
	srv  *http.Server

	mu      sync.Mutex
	conns   map[net.Conn]bool
	headers []http.Header
	closes  []websocket.CloseError
	ended   chan struct{}
}

func startEcho(t *testing.T, name string) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &echoServer{name: name, url: "ws://" + ln.Addr().String(), ln: ln, ended: make(chan struct{}, 64), conns: map[net.Conn]bool{}}
	e.srv = &http.Server{Handler: http.HandlerFunc(e.serve), ConnState: e.track}
	go func() { _ = e.srv.Serve(ln) }()
	t.Cleanup(func() { _ = e.srv.Close() })
	return e
}

// track remembers the open connections, hijacked ones included (net/http
// forgets those).
func (e *echoServer) track(c net.Conn, st http.ConnState) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if st == http.StateClosed {
		delete(e.conns, c)
	} else {
		e.conns[c] = true
	}
}

// closeConns stops the server and drops every connection without a close
// frame.
func (e *echoServer) closeConns() {
	_ = e.srv.Close()
	e.mu.Lock()
	defer e.mu.Unlock()
	for c := range e.conns {
		_ = c.Close()
	}
}

func (e *echoServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/refuse" {
		http.Error(w, "no entry", http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Upgrade") == "" {
		fmt.Fprintf(w, "plain %s", e.name)
		return
	}
	e.mu.Lock()
	e.headers = append(e.headers, r.Header.Clone())
	e.mu.Unlock()
	if r.URL.Path == "/login" {
		// An application that starts a session in its handshake reply.
		w.Header().Add("Set-Cookie", "app="+e.name+"; Path=/")
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"superchat", "chat"}, InsecureSkipVerify: true})
	if err != nil {
		return
	}
	c.SetReadLimit(-1)
	defer func() { e.ended <- struct{}{} }()
	ctx := context.Background()
	for {
		typ, msg, err := c.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				e.mu.Lock()
				e.closes = append(e.closes, ce)
				e.mu.Unlock()
			}
			_ = c.CloseNow()
			return
		}
		if typ == websocket.MessageText && strings.HasPrefix(string(msg), "close ") {
			parts := strings.SplitN(string(msg), " ", 3)
			code, _ := strconv.Atoi(parts[1])
			_ = c.Close(websocket.StatusCode(code), parts[2])
			return
		}
		if typ == websocket.MessageText && string(msg) == "whoami" {
			msg = []byte(e.name)
		}
		if err := c.Write(ctx, typ, msg); err != nil {
			return
		}
	}
}

// lastHeader returns the headers of the latest handshake.
func (e *echoServer) lastHeader() http.Header {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.headers) == 0 {
		return nil
	}
	return e.headers[len(e.headers)-1]
}

// waitClose waits until the server saw a close frame and returns it.
func (e *echoServer) waitClose(t *testing.T) websocket.CloseError {
	t.Helper()
	select {
	case <-e.ended:
	case <-time.After(wait):
		t.Fatal("the upstream connection never ended")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.closes) == 0 {
		t.Fatal("the upstream connection ended without a close frame")
	}
	return e.closes[len(e.closes)-1]
}

// newFilter decodes fields and creates and starts a WebSocketProxy.
func newFilter(t *testing.T, fields string) *WebSocketProxy {
	t.Helper()
	return filtertest.New(t, Kind, fields).(*WebSocketProxy)
}

// gate is a real fasthttp server on 127.0.0.1 running f for every
// request; it records the filter's results.
type gate struct {
	*filtertest.Server
	mu      sync.Mutex
	results []string
}

func serveFilter(t *testing.T, f filter.Filter) *gate {
	t.Helper()
	g := &gate{}
	g.Server = filtertest.Serve(t, func(ctx *filter.Context) {
		r := f.Handle(ctx)
		g.mu.Lock()
		g.results = append(g.results, r)
		g.mu.Unlock()
	})
	return g
}

func (g *gate) lastResult() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.results) == 0 {
		return "<none>"
	}
	return g.results[len(g.results)-1]
}

// dial opens a client connection (coder/websocket) through the gate.
func dial(t *testing.T, g *gate, path string, opts *websocket.DialOptions) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws://"+g.Addr+path, opts)
	if c != nil {
		c.SetReadLimit(-1)
		t.Cleanup(func() { _ = c.CloseNow() })
	}
	return c, resp, err
}

// mustDial is dial failing the test on error.
func mustDial(t *testing.T, g *gate, path string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	c, _, err := dial(t, g, path, opts)
	if err != nil {
		t.Fatalf("dial %s: %v (result %s)", path, err, g.lastResult())
	}
	return c
}

// roundTrip writes a message and reads the echo.
func roundTrip(t *testing.T, c *websocket.Conn, typ websocket.MessageType, msg []byte) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := c.Write(ctx, typ, msg); err != nil {
		t.Fatalf("write: %v", err)
	}
	gotType, got, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if gotType != typ {
		t.Fatalf("message type %v, want %v", gotType, typ)
	}
	return got
}

// readClose reads until the connection closes and returns the close
// status the client got.
func readClose(t *testing.T, c *websocket.Conn) websocket.CloseError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("connection ended without a close frame: %v", err)
		}
		return ce
	}
}

// detached returns a context whose request did not come from a server.
func detached(req *fasthttp.Request) *filter.Context { return filtertest.Detached(req) }
