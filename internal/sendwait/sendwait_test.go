package sendwait

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// pair returns the two ends of a TCP connection on 127.0.0.1.
func pair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// echo answers every read on c with the same bytes, upper-cased if upper
// (which allocates), after delay.
func echo(c net.Conn, upper bool, delay time.Duration) {
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		time.Sleep(delay)
		out := buf[:n]
		if upper {
			out = bytes.ToUpper(out)
		}
		if _, err := c.Write(out); err != nil {
			return
		}
	}
}

func TestSendThenReadGetsTheAnswer(t *testing.T) {
	client, server := pair(t)
	go echo(server, true, 20*time.Millisecond)
	e := New(client)
	if e == nil {
		t.Fatal("a TCP connection gives raw access")
	}
	in := make([]byte, 64)
	for i, word := range []string{"ping", "second", "third"} {
		n, err := e.SendThenRead([]byte(word), in)
		if err != nil {
			t.Fatalf("exchange %d: n=%d err=%v", i, n, err)
		}
		if got, want := string(in[:n]), string(bytes.ToUpper([]byte(word))); got != want {
			t.Fatalf("exchange %d: read %q, want %q", i, got, want)
		}
	}
}

func TestSendThenReadHonoursTheReadDeadline(t *testing.T) {
	client, server := pair(t)
	go func() { _, _ = io.Copy(io.Discard, server) }() // reads, never answers
	e := New(client)
	if err := client.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err := e.SendThenRead([]byte("hello"), make([]byte, 8))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v does not report a timeout", err)
	}
}

func TestSendThenReadReportsTheEnd(t *testing.T) {
	client, server := pair(t)
	go func() {
		buf := make([]byte, 16)
		_, _ = server.Read(buf)
		server.Close()
	}()
	_, err := New(client).SendThenRead([]byte("bye"), make([]byte, 8))
	if err != io.EOF {
		t.Fatalf("err = %v, want io.EOF", err)
	}
}

// TestSendThenReadSendsWhatTheSocketDidNotTake sends more than the socket
// takes at once (the peer starts reading late): the rest goes out with a
// blocking write, and the answer is still read.
func TestSendThenReadSendsWhatTheSocketDidNotTake(t *testing.T) {
	client, server := pair(t)
	out := make([]byte, 16<<20)
	got := make(chan int64, 1)
	go func() {
		time.Sleep(100 * time.Millisecond) // let the socket buffers fill
		n, _ := io.CopyN(io.Discard, server, int64(len(out)))
		got <- n
		_, _ = server.Write([]byte("done"))
	}()
	_ = client.SetDeadline(time.Now().Add(30 * time.Second))
	in := make([]byte, 8)
	n, err := New(client).SendThenRead(out, in)
	if err != nil || string(in[:n]) != "done" {
		t.Fatalf("read %q, %v; want the answer after the whole request", in[:n], err)
	}
	if sent := <-got; sent != int64(len(out)) {
		t.Fatalf("the peer got %d bytes of %d", sent, len(out))
	}
}

func TestReadTellsWhetherDataWasWaiting(t *testing.T) {
	client, server := pair(t)
	e := New(client)
	in := make([]byte, 16)

	if _, err := server.Write([]byte("early")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // let it reach the client's socket
	n, early, err := e.Read(in)
	if err != nil || string(in[:n]) != "early" || !early {
		t.Fatalf("waiting data: n=%d %q early=%v err=%v", n, in[:n], early, err)
	}

	go func() {
		time.Sleep(30 * time.Millisecond)
		_, _ = server.Write([]byte("late"))
	}()
	n, early, err = e.Read(in)
	if err != nil || string(in[:n]) != "late" || early {
		t.Fatalf("data after a wait: n=%d %q early=%v err=%v", n, in[:n], early, err)
	}
}

func TestNewNeedsARawSocket(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if New(a) != nil {
		t.Fatal("a pipe has no socket; New should return nil")
	}
}

func TestExchangeDoesNotAllocate(t *testing.T) {
	client, server := pair(t)
	go echo(server, false, 0)
	e := New(client)
	out, in := []byte("x"), make([]byte, 8)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := e.SendThenRead(out, in); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("SendThenRead allocates %.1f objects per call, want 0", allocs)
	}
}

// TestSendThenReadSendsPastADeadline: with the read deadline already past,
// the read cannot wait, but the bytes still reach the peer.
func TestSendThenReadSendsPastADeadline(t *testing.T) {
	client, server := pair(t)
	if err := client.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err := New(client).SendThenRead([]byte("reply"), make([]byte, 8))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	_ = server.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 8)
	n, err := io.ReadAtLeast(server, got, len("reply"))
	if err != nil || string(got[:n]) != "reply" {
		t.Fatalf("the peer read %q, %v; want the bytes sent", got[:n], err)
	}
}

// TestSendThenReadReportsAWriteError: a peer that reset the connection
// fails the send, which is reported once, as a write error.
func TestSendThenReadReportsAWriteError(t *testing.T) {
	client, server := pair(t)
	if tc, ok := server.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close with a reset
	}
	server.Close()
	time.Sleep(50 * time.Millisecond) // the reset arrives
	_ = client.SetDeadline(time.Now().Add(5 * time.Second))
	_, err := New(client).SendThenRead([]byte("hello"), make([]byte, 8))
	var oe *net.OpError
	if err == nil || !errors.As(err, &oe) {
		t.Fatalf("err = %v, want the connection's error", err)
	}
}

// TestSendToAGonePeerRaisesNoSignal: once a reset has been reported, a
// further send fails with EPIPE, and no SIGPIPE is raised for it (a
// program that asks for SIGPIPE with signal.Notify would otherwise get
// one per send to a closed connection).
func TestSendToAGonePeerRaisesNoSignal(t *testing.T) {
	client, server := pair(t)
	_ = server.(*net.TCPConn).SetLinger(0) // close with a reset
	server.Close()
	time.Sleep(50 * time.Millisecond) // the reset arrives
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGPIPE)
	defer signal.Stop(sigs)
	_ = client.SetDeadline(time.Now().Add(5 * time.Second))
	e := New(client)
	_, first := e.SendThenRead([]byte("hello"), make([]byte, 8))
	_, second := e.SendThenRead([]byte("again"), make([]byte, 8))
	if !errors.Is(second, syscall.EPIPE) {
		t.Fatalf("errors %v, then %v; want EPIPE for the second send", first, second)
	}
	select {
	case s := <-sigs:
		t.Fatalf("sending to a closed connection raised %v", s)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestNewNeedsASocket: a connection whose descriptor is not a socket (here
// a pipe's) gets no Exchange, since send(2) and recv(2) would fail on it.
func TestNewNeedsASocket(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if New(fileBackedConn{Conn: a, f: r}) != nil {
		t.Fatal("New accepted a connection backed by a pipe")
	}
}

// fileBackedConn is a net.Conn that hands out a file's descriptor as its
// raw connection.
type fileBackedConn struct {
	net.Conn
	f *os.File
}

// SyscallConn returns the file's raw connection.
func (c fileBackedConn) SyscallConn() (syscall.RawConn, error) { return c.f.SyscallConn() }
