package httpserver

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// readReplies reads n replies from br, failing the test on any error; the
// connection's read deadline bounds the wait.
func readReplies(t *testing.T, br *bufio.Reader, n int) []string {
	t.Helper()
	var bodies []string
	for i := range n {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("reply %d: %v", i+1, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("reply %d: status %d, %v", i+1, resp.StatusCode, err)
		}
		bodies = append(bodies, string(b))
	}
	return bodies
}

func get(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n" }

// heldServer starts a server with fields over a pipeline "p" whose Echo
// filter has echoField ("" for none), and connects to it; the reads of
// the connection are bounded by readFor.
func heldServer(t *testing.T, echoField, fields string, readFor time.Duration) (*harness, net.Conn, *bufio.Reader) {
	t.Helper()
	h := newHarness(t)
	h.pipeline("p", echoField)
	port := freePort(t)
	h.server(serverDoc("edge", port, fields+"rules: [{paths: [{backend: p}]}]\n"))
	conn := dialServer(t, port)
	_ = conn.SetReadDeadline(time.Now().Add(readFor))
	return h, conn, bufio.NewReader(conn)
}

// TestPipelinedRequestsAreAnswered sends requests back to back in one
// write: every reply comes, in order.
func TestPipelinedRequestsAreAnswered(t *testing.T) {
	_, conn, br := heldServer(t, "", "keepAliveTimeout: 30s\n", 5*time.Second)
	if _, err := conn.Write([]byte(get("/1") + get("/2") + get("/3"))); err != nil {
		t.Fatal(err)
	}
	bodies := readReplies(t, br, 3)
	for i, b := range bodies {
		if want := "uri=/" + string(rune('1'+i)); !strings.Contains(b, want) {
			t.Fatalf("reply %d is %q, want %s", i+1, b, want)
		}
	}
}

// TestRequestSentDuringAReplyIsNotStranded pipelines a request while the
// previous one is inside the pipeline, after the server read it: the
// case a held reply could miss. The request is answered within the guard,
// not left to the keep-alive timeout, and the connection goes on working.
func TestRequestSentDuringAReplyIsNotStranded(t *testing.T) {
	h, conn, br := heldServer(t, "mode: block", "keepAliveTimeout: 30s\n", time.Minute)
	for round := range 3 {
		if _, err := conn.Write([]byte(get("/first"))); err != nil {
			t.Fatal(err)
		}
		waitEntered(t, h.gate, "first")
		if _, err := conn.Write([]byte(get("/second"))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // the second request reaches the server's socket
		h.gate.release <- struct{}{}
		waitEntered(t, h.gate, "second")
		h.gate.release <- struct{}{}
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		bodies := readReplies(t, br, 2)
		if !strings.Contains(bodies[0], "/first") || !strings.Contains(bodies[1], "/second") {
			t.Fatalf("round %d: replies %q", round, bodies)
		}
	}
}

// waitEntered waits until a request enters a blocking pipeline, for at
// most 5 s.
func waitEntered(t *testing.T, g *gate, which string) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(5 * time.Second):
		t.Fatalf("the %s request never reached the pipeline", which)
	}
}

// TestIdleConnectionKeepsItsKeepAliveTimeout: the guard of a held reply
// does not cut the keep-alive timeout short, nor stretch it.
func TestIdleConnectionKeepsItsKeepAliveTimeout(t *testing.T) {
	_, conn, br := heldServer(t, "", "keepAliveTimeout: 800ms\n", 10*time.Second)
	for i := range 2 {
		if _, err := conn.Write([]byte(get("/"))); err != nil {
			t.Fatal(err)
		}
		readReplies(t, br, 1)
		if i == 0 {
			time.Sleep(3 * heldReplyGuard) // idle past the guard, within keep-alive
		}
	}
	idleSince := time.Now()
	if _, err := br.ReadByte(); err != io.EOF && !isConnReset(err) {
		t.Fatalf("idle connection: read %v, want the server to close it", err)
	}
	if idle := time.Since(idleSince); idle < 600*time.Millisecond || idle > 3*time.Second {
		t.Fatalf("idle connection closed after %v, want about the 800ms keep-alive timeout", idle)
	}
}

// TestLargeRepliesAreNotHeld sends replies larger than a held reply may
// be on one connection: each arrives whole.
func TestLargeRepliesAreNotHeld(t *testing.T) {
	body := strings.Repeat("x", 3*maxHeldReply)
	_, conn, br := heldServer(t, "body: "+body, "", 5*time.Second)
	for i := range 3 {
		if _, err := conn.Write([]byte(get("/"))); err != nil {
			t.Fatal(err)
		}
		if got := readReplies(t, br, 1)[0]; got != body {
			t.Fatalf("reply %d: %d bytes, want %d", i+1, len(got), len(body))
		}
	}
}

// TestCloseSendsTheHeldReply: a connection closed while it holds a reply
// (a graceful shutdown closing idle connections) sends the reply first.
func TestCloseSendsTheHeldReply(t *testing.T) {
	gc, client := acceptedGateConn(t)
	gc.hr.holding = true
	if _, err := gc.Write([]byte("held reply")); err != nil {
		t.Fatal(err)
	}
	_ = client.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, err := client.Read(make([]byte, 16)); err == nil {
		t.Fatalf("the client read %d bytes while the reply was held", n)
	}
	if err := gc.Close(); err != nil {
		t.Fatal(err)
	}
	_ = client.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(client)
	if err != nil || string(got) != "held reply" {
		t.Fatalf("after Close the client read %q, %v; want the held reply, then the end", got, err)
	}
}

// acceptedGateConn returns both ends of a connection on 127.0.0.1: the
// server's, as a gate listener accepted it, and the client's. Both close
// when the test ends.
func acceptedGateConn(t *testing.T) (*gateConn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gl := newGateListener(ln, slog.New(slog.NewTextHandler(io.Discard, nil)))
	gl.configure(10, nil)
	t.Cleanup(func() { gl.Close() })
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	c, err := gl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	gc := c.(*gateConn)
	t.Cleanup(func() { gc.Close() })
	return gc, client
}

// TestClientResetWhileAReplyIsHeld: clients that reset their connection
// right after a request (the reply, held or not, meets a reset or a
// broken pipe) do not disturb the server.
func TestClientResetWhileAReplyIsHeld(t *testing.T) {
	_, conn, br := heldServer(t, "", "", 5*time.Second)
	port := conn.RemoteAddr().(*net.TCPAddr).Port
	for i := range 20 {
		c := dialServer(t, port)
		// Two requests: the first reply comes back, the second is
		// answered onto a connection that is gone.
		if _, err := c.Write([]byte(get("/1"))); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		readReplies(t, bufio.NewReader(c), 1)
		if _, err := c.Write([]byte(get("/2"))); err != nil {
			t.Fatal(err)
		}
		_ = c.(*net.TCPConn).SetLinger(0)
		_ = c.Close()
		// The long-lived connection keeps being served.
		if _, err := conn.Write([]byte(get("/alive"))); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if b := readReplies(t, br, 1)[0]; !strings.Contains(b, "/alive") {
			t.Fatalf("round %d: reply %q", i, b)
		}
	}
}
