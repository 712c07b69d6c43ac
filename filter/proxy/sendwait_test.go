package proxy

import (
	"bufio"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/valyala/fasthttp"
)

// rawUpstream serves each accepted connection with serve on 127.0.0.1
// and returns its URL.
func rawUpstream(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveConns(t, ln, serve)
	return "http://" + ln.Addr().String()
}

// rawTLSUpstream is rawUpstream over TLS, with a certificate for
// 127.0.0.1 from a CA of its own (a Proxy without an mtls root does not
// verify it); it returns an https URL.
func rawTLSUpstream(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ca := testkit.IssueCert(t, nil, "test CA", nil, true)
	leaf := testkit.IssueCert(t, ca, "127.0.0.1", nil, false)
	pair, err := tls.X509KeyPair(leaf.CertPEM, leaf.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}})
	if err != nil {
		t.Fatal(err)
	}
	serveConns(t, ln, serve)
	return "https://" + ln.Addr().String()
}

// serveConns serves each connection ln accepts with serve, on a goroutine
// of its own, until the test ends.
func serveConns(t *testing.T, ln net.Listener, serve func(net.Conn)) {
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
}

// answerOnce reads one request from c and answers 200 "ok", keeping the
// connection open as far as HTTP is concerned.
func answerOnce(c net.Conn) bool {
	if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
		return false
	}
	_, err := c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	return err == nil
}

// serveRecordingArrivals answers every request on c with 200 "ok" and
// sends the time each request arrived on arrived.
func serveRecordingArrivals(c net.Conn, arrived chan<- time.Time) {
	br := bufio.NewReader(c)
	for {
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		arrived <- time.Now()
		if _, err := c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")); err != nil {
			return
		}
	}
}

// checkHolding makes exchanges on conn, whose sendWaitConn is c (conn
// itself, or the connection under TLS): a new connection sends at once, a
// recently used one holds the request until the reply is read, and one
// idle past holdWindow sends at once again.
func checkHolding(t *testing.T, conn net.Conn, c *sendWaitConn, arrived <-chan time.Time) {
	t.Helper()
	br := bufio.NewReader(conn)
	exchange := func(hold bool) (sentBeforeRead bool) {
		c.holdIfRecent(time.Now())
		if c.holding != hold {
			t.Fatalf("holding = %v, want %v", c.holding, hold)
		}
		if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		c.stopHolding()
		select {
		case <-arrived:
			sentBeforeRead = true
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !sentBeforeRead {
			<-arrived
		}
		return sentBeforeRead
	}
	if !exchange(false) {
		t.Fatal("the first request on a connection was held")
	}
	if exchange(true) {
		t.Fatal("the request on a recently used connection reached the upstream before the reply was read")
	}
	c.lastUse = time.Now().Add(-2 * holdWindow)
	if !exchange(false) {
		t.Fatal("the request on a connection idle past holdWindow was held")
	}
}

// TestRequestIsHeldUntilTheReplyIsRead checks the sendWaitConn directly:
// on a recently used connection, Write keeps the request and the Read
// that wants the reply sends it.
func TestRequestIsHeldUntilTheReplyIsRead(t *testing.T) {
	arrived := make(chan time.Time, 4)
	url := rawUpstream(t, func(c net.Conn) { serveRecordingArrivals(c, arrived) })
	conn, err := dialSendWait(url[len("http://"):], time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c, ok := conn.(*sendWaitConn)
	if !ok {
		t.Fatalf("dialSendWait returned %T, want *sendWaitConn", conn)
	}
	checkHolding(t, conn, c, arrived)
}

// TestTLSRequestIsHeldUntilTheReplyIsRead: the same over TLS, the way the
// HostClient of an https upstream stacks it (TLS over the dialled
// connection); what is held is the records carrying the request.
func TestTLSRequestIsHeldUntilTheReplyIsRead(t *testing.T) {
	arrived := make(chan time.Time, 4)
	url := rawTLSUpstream(t, func(c net.Conn) { serveRecordingArrivals(c, arrived) })
	raw, err := dialSendWait(url[len("https://"):], time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn := tls.Client(raw, &tls.Config{InsecureSkipVerify: true}) // the test's own certificate

	defer conn.Close()
	c := sendWaitConnOf(conn)
	if c == nil {
		t.Fatalf("no sendWaitConn under %T", conn)
	}
	checkHolding(t, conn, c, arrived)
}

// TestHeldRequestSurvivesAnUpstreamThatClosed sends requests on
// connections that the upstream closes after each reply without saying
// so: the held request meets a reset, and the request is retried on a new
// connection instead of waiting for the timeout.
func TestHeldRequestSurvivesAnUpstreamThatClosed(t *testing.T) {
	for scheme, upstream := range map[string]func(*testing.T, func(net.Conn)) string{"http": rawUpstream, "https": rawTLSUpstream} {
		t.Run(scheme, func(t *testing.T) {
			url := upstream(t, func(c net.Conn) { answerOnce(c) })
			p := startProxy(t, `{"pools": [`+poolDoc(`"timeout": "20s"`, url)+`]}`)
			for i := range 5 {
				start := time.Now()
				r := call(t, p, "192.0.2.1", nil)
				if r.result != "" || r.status != 200 || r.body != "ok" {
					t.Fatalf("request %d: %+v, want 200 ok", i, r)
				}
				if d := time.Since(start); d > 10*time.Second {
					t.Fatalf("request %d took %v: it waited for the timeout", i, d)
				}
				time.Sleep(20 * time.Millisecond) // the upstream's close arrives
			}
		})
	}
}

// TestHeldRequestKeepsTheTimeout checks that a held request still ends at
// the pool's timeout when the upstream never answers.
func TestHeldRequestKeepsTheTimeout(t *testing.T) {
	url := rawUpstream(t, func(c net.Conn) {
		if !answerOnce(c) {
			return
		}
		_, _ = c.Read(make([]byte, 4096)) // the second request: no answer
		time.Sleep(5 * time.Second)
	})
	p := startProxy(t, `{"pools": [`+poolDoc(`"timeout": "300ms"`, url)+`]}`)
	if r := call(t, p, "192.0.2.1", nil); r.status != 200 {
		t.Fatalf("first request: %+v", r)
	}
	start := time.Now()
	r := call(t, p, "192.0.2.1", nil)
	if r.status == 200 {
		t.Fatalf("second request answered: %+v", r)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("second request ended after %v, want about the 300ms timeout", d)
	}
}

// TestSendWaitConnReportsTimeouts checks that a read deadline ends a held
// exchange with an error that reports a timeout, as net.Conn does.
func TestSendWaitConnReportsTimeouts(t *testing.T) {
	url := rawUpstream(t, func(c net.Conn) { _, _ = c.Read(make([]byte, 4096)); time.Sleep(2 * time.Second) })
	conn, err := dialSendWait(url[len("http://"):], time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := conn.(*sendWaitConn)
	c.lastUse = time.Now()
	c.holdIfRecent(time.Now())
	_ = c.SetDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	c.stopHolding()
	_, err = c.Read(make([]byte, 64))
	if !errors.Is(err, os.ErrDeadlineExceeded) || timeoutError(err).Error() == err.Error() {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

// TestSendWaitConnClearsADeadlineItSet checks that skipping the clearing
// of an unset deadline never leaves an old one in force: a request with a
// timeout followed by one without must not time out.
func TestSendWaitConnClearsADeadlineItSet(t *testing.T) {
	url := rawUpstream(t, func(c net.Conn) {
		for answerOnce(c) {
		}
	})
	conn, err := dialSendWait(url[len("http://"):], time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := conn.(*sendWaitConn)
	exchange := func() error {
		if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
			return err
		}
		_, err := c.Read(make([]byte, 64))
		return err
	}
	if err := c.SetDeadline(time.Time{}); err != nil || exchange() != nil {
		t.Fatalf("without a deadline: %v", err)
	}
	_ = c.SetDeadline(time.Now().Add(-time.Second))
	if err := exchange(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("past deadline: err = %v, want a timeout", err)
	}
	_ = c.SetDeadline(time.Time{})
	if err := exchange(); err != nil {
		t.Fatalf("deadline cleared: %v", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(-time.Second))
	_ = c.SetDeadline(time.Time{})
	if err := exchange(); err != nil {
		t.Fatalf("read deadline cleared: %v", err)
	}
}

// TestHTTPSUpstreamsDialSendWaitConns: the connection pool of an https
// server dials connections that can hold requests, for fasthttp to run
// TLS over, and a request through it is answered.
func TestHTTPSUpstreamsDialSendWaitConns(t *testing.T) {
	url := rawTLSUpstream(t, func(c net.Conn) {
		for answerOnce(c) {
		}
	})
	u, err := parseServerURL(url)
	if err != nil {
		t.Fatal(err)
	}
	up := newUpstream(url, u, &clientSettings{maxIdle: 4, maxBody: 1 << 20, tls: &tls.Config{InsecureSkipVerify: true}})
	t.Cleanup(up.client.CloseIdleConnections)
	if up.client.DialTimeout == nil {
		t.Fatal("an https upstream dials with fasthttp's default dialer")
	}
	conn, err := up.client.DialTimeout(u.addr(0), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if _, ok := conn.(*sendWaitConn); !ok {
		t.Fatalf("an https upstream dials a %T, want a *sendWaitConn under TLS", conn)
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(url + "/")
	for i := range 2 {
		if err := up.client.DoTimeout(req, resp, 5*time.Second); err != nil || string(resp.Body()) != "ok" {
			t.Fatalf("request %d: %v, body %q", i, err, resp.Body())
		}
	}
}
