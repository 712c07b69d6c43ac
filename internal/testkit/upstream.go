package testkit

import (
	"net"
	"net/http"
	"testing"
)

// ServeHTTP serves h on a free port of 127.0.0.1 until the test ends and
// returns the server's base URL, http://127.0.0.1:PORT.
func ServeHTTP(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}
