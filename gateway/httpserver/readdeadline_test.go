package httpserver

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHeaderTimeoutOnAKeptAliveConnection: on a connection that already
// carried a request, the header timeout is armed only when needed (the
// deadline set after the reply, 100ms away while a reply is held, stays
// on the socket). A header that takes longer than that but less than
// clientHeaderTimeout is served; one that takes longer loses the
// connection at clientHeaderTimeout.
func TestHeaderTimeoutOnAKeptAliveConnection(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, "clientHeaderTimeout: 800ms\nkeepAliveTimeout: 30s\nrules: [{paths: [{backend: p}]}]\n"))
	conn := dialServer(t, port)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	exchange := func(gap time.Duration) error {
		if err := trickle(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", gap); err != nil {
			return err
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		return nil
	}
	if err := exchange(0); err != nil {
		t.Fatalf("first request: %v", err)
	}
	// 27 bytes 15ms apart: about 400ms, four times the held-reply guard.
	start := time.Now()
	if err := exchange(15 * time.Millisecond); err != nil {
		t.Fatalf("a header taking %v of the 800ms allowed: %v", time.Since(start), err)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Fatalf("the slow header took only %v; the test wants it to outlast the guard", took)
	}
	if err := exchange(0); err != nil {
		t.Fatalf("request after the slow one: %v", err)
	}

	// A header that never ends: the connection closes at the header
	// timeout, not at the keep-alive timeout.
	start = time.Now()
	go func() {
		_ = trickle(conn, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "+strings.Repeat("s", 400)+"\r\n\r\n", 20*time.Millisecond)
	}()
	_, err := io.ReadAll(br)
	took := time.Since(start)
	if err != nil && !isConnReset(err) {
		t.Fatalf("reading: %v", err)
	}
	if took < 700*time.Millisecond || took > 4*time.Second {
		t.Fatalf("connection closed after %v, want about the 800ms header timeout", took)
	}
}
