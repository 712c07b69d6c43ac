package filtertest

import (
	"net"
	"net/http"
	"testing"
)

// Upstream runs a net/http server on 127.0.0.1 answering with handler,
// closes it when the test ends and returns its base URL, "http://" and
// the listening address.
func Upstream(t testing.TB, handler http.HandlerFunc) string {
	t.Helper()
	ln, err := net.Listen("tcp", ClientIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}
