package httpserver

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// dialServer opens a raw connection to a test server, closed at cleanup.
func dialServer(t *testing.T, port int) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// trickle writes s a byte at a time, every gap, and returns the error of
// the first write that fails.
func trickle(conn net.Conn, s string, gap time.Duration) error {
	for i := range len(s) {
		if _, err := conn.Write([]byte{s[i]}); err != nil {
			return err
		}
		time.Sleep(gap)
	}
	return nil
}

// TestSlowHeaderIsCut: a client sending its header a byte at a time
// (slowloris) loses its connection once clientHeaderTimeout has passed
// since the first byte, although it never pauses long.
func TestSlowHeaderIsCut(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, "clientHeaderTimeout: 500ms\nrules: [{paths: [{backend: p}]}]\n"))
	conn := dialServer(t, port)
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = trickle(conn, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "+strings.Repeat("s", 200)+"\r\n\r\n", 20*time.Millisecond)
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.ReadAll(conn)
	took := time.Since(start)
	if err != nil && !isConnReset(err) {
		t.Fatalf("reading: %v", err)
	}
	if took < 400*time.Millisecond || took > 3*time.Second {
		t.Fatalf("connection closed after %v, want about the 500ms header timeout", took)
	}
	_ = conn.Close()
	<-done
}

// TestSlowBodyKeepsFlowing: a body may take longer than
// clientBodyTimeout as long as each pause is shorter; a client that stops
// sending mid-body loses its connection.
func TestSlowBodyKeepsFlowing(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, "clientBodyTimeout: 400ms\nclientMaxBodySize: -1\nrules: [{paths: [{backend: p}]}]\n"))

	conn := dialServer(t, port)
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	// The first 8 KiB are read with the header; the rest is streamed to
	// the pipeline, here ten bytes 150ms apart.
	head, tail := strings.Repeat("a", 8<<10), "0123456789"
	if _, err := fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s", len(head)+len(tail), head); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := trickle(conn, tail, 150*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reply to a slow but steady body: %v", err)
	}
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasSuffix(string(got), fmt.Sprintf("len=%d", len(head)+len(tail))) {
		t.Fatalf("reply %d %q", resp.StatusCode, got)
	}
	if took := time.Since(start); took < 1200*time.Millisecond {
		t.Fatalf("the body took only %v; the test wants it to outlast the timeout", took)
	}

	stalled := dialServer(t, port)
	_ = stalled.SetDeadline(time.Now().Add(10 * time.Second))
	// Past the first 8 KiB (read with the header) the body is streamed
	// to the pipeline under the body timeout.
	if _, err := fmt.Fprintf(stalled, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s", 64<<10, strings.Repeat("b", 16<<10)); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	got, err = io.ReadAll(stalled)
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("a stalled body held the connection for %v, want about 400ms (read %q, %v)", took, got, err)
	}
}

// isConnReset reports whether err is a connection reset.
func isConnReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}
