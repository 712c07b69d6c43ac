package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
)

// startDemoUpstreams starts one small HTTP server per address. Each answers
// every request with its own address and the request it saw, so a client
// can watch the gateway balance and rewrite.
func startDemoUpstreams(addrs ...string) (stop func(), err error) {
	var servers []*http.Server
	stop = func() {
		for _, s := range servers {
			_ = s.Close()
		}
		servers = nil
	}
	for _, addr := range addrs {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			stop()
			return nil, fmt.Errorf("listening on %s (is another demo running?): %w", addr, err)
		}
		srv := &http.Server{Handler: whoami(addr)}
		servers = append(servers, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Println("demo upstream", addr, "stopped:", err)
			}
		}()
	}
	return stop, nil
}

func whoami(addr string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		var b strings.Builder
		fmt.Fprintf(&b, "upstream %s\n%s %s\n", addr, r.Method, r.URL.RequestURI())
		names := make([]string, 0, len(r.Header))
		for k := range r.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(r.Header[k], ", "))
		}
		_, _ = w.Write([]byte(b.String()))
	})
}
