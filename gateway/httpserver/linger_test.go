package httpserver

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestRefusedBodyLingers: a client still sending a body the server
// refused (413) can finish sending and then read the reply and the end of
// the stream; the server does not reset the connection under it.
func TestRefusedBodyLingers(t *testing.T) {
	h := newHarness(t)
	h.pipeline("p", "")
	port := freePort(t)
	h.server(serverDoc("edge", port, "clientMaxBodySize: 10\nrules: [{paths: [{backend: p}]}]\n"))

	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	const size = 1 << 20
	if _, err := fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n", size); err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	if _, err := conn.Write(chunk); err != nil {
		t.Fatal(err)
	}
	// By now the server has answered 413 and closed its side.
	time.Sleep(200 * time.Millisecond)
	for sent := len(chunk); sent < size; sent += len(chunk) {
		if _, err := conn.Write(chunk); err != nil {
			t.Fatalf("writing the rest of the body after %d bytes: %v (the server reset the connection)", sent, err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the reply: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
		t.Fatalf("reply %d close=%v, want 413 and Connection: close", resp.StatusCode, resp.Close)
	}
}
