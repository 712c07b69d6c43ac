package websocketproxy

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
)

// Session timing.
const (
	// hijackTimeout bounds the time between a successful upstream
	// handshake and the client connection being handed over; the upstream
	// connection of a handshake whose reply never reached the client is
	// closed after it.
	hijackTimeout = 30 * time.Second
	// closeGrace is how long the other direction of a session may take
	// to finish the closing handshake once one side closed.
	closeGrace = 5 * time.Second
	// writeWait bounds writing a close frame.
	writeWait = 5 * time.Second
	// copyBufSize is the buffer copying one message.
	copyBufSize = 16 << 10
)

// sessionSet tracks the live sessions of a WebSocketProxy. Generations of
// the filter share it (Inherit hands it on), so a configuration update
// does not cut connections; the generation that closes last closes them.
type sessionSet struct {
	mu     sync.Mutex
	live   map[*session]struct{}
	closed bool
}

func newSessionSet() *sessionSet { return &sessionSet{live: map[*session]struct{}{}} }

// add registers s; it fails once the set was closed.
func (t *sessionSet) add(s *session) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.live[s] = struct{}{}
	return true
}

// remove forgets s.
func (t *sessionSet) remove(s *session) {
	t.mu.Lock()
	delete(t.live, s)
	t.mu.Unlock()
}

// count returns the number of live sessions.
func (t *sessionSet) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.live)
}

// closeAll refuses new sessions and closes the live ones, telling both
// ends the gateway is going away.
func (t *sessionSet) closeAll() {
	t.mu.Lock()
	t.closed = true
	live := make([]*session, 0, len(t.live))
	for s := range t.live {
		live = append(live, s)
	}
	t.mu.Unlock()
	for _, s := range live {
		s.shutdown()
	}
}

// session is one proxied WebSocket connection: the upstream connection
// dialed while handling the handshake, and the client connection once
// fasthttp hands it over.
type session struct {
	set      *sessionSet
	srv      *server
	pool     *pool
	upstream *websocket.Conn
	// started is set by whichever comes first: the hand-over (run) or
	// giving up on it (abandon).
	started atomic.Bool
	timer   *time.Timer
	// mu guards client and ended: shutdown may use the connections only
	// while run has not ended (fasthttp reuses a hijacked connection's
	// wrapper once run returns).
	mu     sync.Mutex
	client *websocket.Conn
	ended  bool
}

// abandon closes the upstream connection of a handshake whose client
// connection never came.
func (s *session) abandon() {
	if s.started.CompareAndSwap(false, true) {
		_ = s.upstream.Close()
		s.set.remove(s)
	}
}

// shutdown ends the session for a gateway that goes away.
func (s *session) shutdown() {
	if s.started.CompareAndSwap(false, true) {
		_ = s.upstream.Close()
		s.set.remove(s)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "gateway shutting down")
	deadline := time.Now().Add(writeWait)
	_ = s.upstream.WriteControl(websocket.CloseMessage, msg, deadline)
	_ = s.upstream.SetReadDeadline(time.Now().Add(closeGrace))
	if s.client != nil {
		_ = s.client.WriteControl(websocket.CloseMessage, msg, deadline)
		_ = s.client.SetReadDeadline(time.Now().Add(closeGrace))
	}
}

// run proxies messages both ways until both directions are closed. It is
// the hijack handler: client is the client's connection after the 101.
func (s *session) run(client *websocket.Conn) {
	if !s.started.CompareAndSwap(false, true) {
		_ = client.Close()
		return
	}
	s.timer.Stop()
	s.mu.Lock()
	s.client = client
	s.mu.Unlock()
	s.srv.active.Add(1)
	defer func() {
		s.mu.Lock()
		s.ended = true
		s.mu.Unlock()
		_ = client.Close()
		_ = s.upstream.Close()
		s.srv.active.Add(-1)
		s.set.remove(s)
	}()
	client.SetReadLimit(s.pool.clientLimit)
	s.upstream.SetReadLimit(s.pool.serverLimit)
	// Close frames are forwarded, not answered here: the far end answers.
	ignoreClose := func(int, string) error { return nil }
	client.SetCloseHandler(ignoreClose)
	s.upstream.SetCloseHandler(ignoreClose)

	// When one direction is over, the other end has been told; the other
	// direction may carry the closing handshake back, for a while.
	grace := func() {
		deadline := time.Now().Add(closeGrace)
		_ = client.SetReadDeadline(deadline)
		_ = s.upstream.SetReadDeadline(deadline)
	}
	done := make(chan struct{})
	go func() {
		pump(s.upstream, client, "client")
		grace()
		close(done)
	}()
	pump(client, s.upstream, "server")
	grace()
	<-done
}

// pump copies messages from src to dst, one message at a time and frame
// by frame (a message is never held whole), until src ends; then it
// passes the end on to dst as a close frame. from names src's side in
// close reasons.
func pump(dst, src *websocket.Conn, from string) {
	buf := make([]byte, copyBufSize)
	for {
		typ, r, err := src.NextReader()
		if err != nil {
			forwardClose(dst, err, from)
			return
		}
		w, err := dst.NextWriter(typ)
		if err != nil {
			return
		}
		if _, err := io.CopyBuffer(w, r, buf); err != nil {
			forwardClose(dst, err, from)
			return
		}
		if err := w.Close(); err != nil {
			return
		}
	}
}

// forwardClose tells dst how src ended: the close code and reason src
// sent, or 1001 (going away) when src broke off or sent a message over
// its limit (src itself was sent 1009 then).
func forwardClose(dst *websocket.Conn, err error, from string) {
	var msg []byte
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure && ce.Code != websocket.CloseTLSHandshake:
		msg = websocket.FormatCloseMessage(ce.Code, ce.Text)
	case errors.Is(err, websocket.ErrReadLimit):
		msg = websocket.FormatCloseMessage(websocket.CloseGoingAway, from+" message too big")
	default:
		msg = websocket.FormatCloseMessage(websocket.CloseGoingAway, from+" went away")
	}
	_ = dst.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait))
}
