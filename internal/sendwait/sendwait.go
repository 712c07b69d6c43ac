// Package sendwait sends bytes on a TCP connection and waits for the
// peer's answer in one step of Go's network poller.
//
// Go's net.Conn.Read tries the socket before it parks the goroutine, so a
// read issued right after sending a request (or a reply) to a peer that
// has not answered yet costs a system call that returns EAGAIN. An
// Exchange makes the send part of the read instead: inside one
// syscall.RawConn.Read call the poller's readiness is reset, the bytes are
// written, the goroutine parks until the socket becomes readable, and only
// then reads. That is one read per answer instead of two.
//
// The reset forgets readiness reported before the call. Anything the peer
// sent before the bytes went out, and after the last read, therefore does
// not wake the wait: callers use an Exchange only where the peer is not
// expected to send before it has the bytes (an HTTP server before it has
// the request, an HTTP client before it has the reply) and bound the wait
// with a read deadline where that expectation may be wrong.
package sendwait

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// Exchange sends and reads on one connection. It is used by one goroutine
// at a time.
type Exchange struct {
	conn net.Conn
	raw  syscall.RawConn
	// step is e.advance bound once, so that RawConn.Read does not
	// allocate a closure per call.
	step func(fd uintptr) bool

	// State of one call.
	phase phase
	out   []byte
	sent  int
	in    []byte
	n     int
	err   error
	early bool
}

// phase is where a call stands.
type phase uint8

const (
	// phaseSend: out is still to be written; then wait.
	phaseSend phase = iota
	// phaseShort: the socket took only part of out; the rest goes out
	// with a blocking Write after the call.
	phaseShort
	// phaseProbe: read at once, then wait if nothing was there.
	phaseProbe
	// phaseWait: the socket was found empty; read once it is readable.
	phaseWait
	// phaseFailed: writing out failed.
	phaseFailed
)

// New returns an Exchange for conn, or nil when conn is not a stream
// socket of the net package (a *net.TCPConn or *net.UnixConn): the
// Exchange talks to the socket with send(2) and recv(2).
func New(conn net.Conn) *Exchange {
	var sc syscall.Conn
	switch c := conn.(type) {
	case *net.TCPConn:
		sc = c
	case *net.UnixConn:
		sc = c
	default:
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	e := &Exchange{conn: conn, raw: raw}
	e.step = e.advance
	return e
}

// SendThenRead writes out, waits until the socket is readable and reads
// into in. Both should be a few KiB at most: the system calls run
// without the scheduler's bookkeeping (see rawSend), so the copy they
// make holds up the other goroutines of the processor while it runs.
// When the socket does not take all of out at once, the rest is sent
// with the connection's blocking Write and the answer read with its Read.
// out is sent even when the read cannot wait: a read deadline already
// past sends it with Write and returns the deadline error.
// Errors are those of net.Conn (a deadline that passes gives an error
// matching os.ErrDeadlineExceeded; the end of the stream gives io.EOF).
func (e *Exchange) SendThenRead(out, in []byte) (int, error) {
	if len(out) == 0 || len(in) == 0 {
		panic("sendwait: SendThenRead needs bytes to send and room to read")
	}
	e.phase, e.out, e.sent = phaseSend, out, 0
	n, err := e.run(in)
	if err != nil && e.phase == phaseSend {
		// The read failed before the callback ran: nothing was sent.
		if _, werr := e.conn.Write(out); werr != nil {
			return 0, werr
		}
		return 0, err
	}
	if err != nil || e.phase != phaseShort {
		return n, err
	}
	if _, err := e.conn.Write(out[e.sent:]); err != nil {
		return 0, err
	}
	return e.conn.Read(in)
}

// Read reads into in, trying the socket at once and waiting if it is
// empty, like net.Conn.Read. early reports that the data was already
// there when Read was called.
func (e *Exchange) Read(in []byte) (n int, early bool, err error) {
	e.phase = phaseProbe
	n, err = e.run(in)
	return n, e.early && n > 0, err
}

// run drives one RawConn.Read call.
func (e *Exchange) run(in []byte) (int, error) {
	e.in, e.n, e.err, e.early = in, 0, nil, false
	err := e.raw.Read(e.step)
	n, callErr := e.n, e.err
	e.in, e.out, e.err = nil, nil, nil
	if err != nil {
		return 0, err
	}
	return n, callErr
}

// advance is the RawConn.Read callback; it returns false to wait for the
// socket to become readable.
func (e *Exchange) advance(fd uintptr) bool {
	switch e.phase {
	case phaseSend:
		n, err := ignoringEINTR(func() (int, error) { return rawSend(fd, e.out[e.sent:]) })
		if n > 0 {
			e.sent += n
		}
		switch {
		case err == syscall.EAGAIN || (err == nil && e.sent < len(e.out)):
			e.phase = phaseShort
			return true
		case err != nil:
			e.phase = phaseFailed
			e.err = e.opError("write", os.NewSyscallError("sendto", err))
			return true
		}
		e.phase = phaseWait
		return false
	case phaseProbe:
		e.early = true
		e.phase = phaseWait
	}
	n, err := ignoringEINTR(func() (int, error) { return rawRecv(fd, e.in) })
	switch {
	case err == syscall.EAGAIN:
		e.early = false
		return false
	case err != nil:
		e.err = e.opError("read", os.NewSyscallError("recvfrom", err))
	case n == 0:
		e.err = io.EOF
	default:
		e.n = n
	}
	return true
}

// rawSend is send(2) without the runtime's system-call bookkeeping
// (entersyscall and exitsyscall). The socket is non-blocking and callers
// pass bounded buffers, so the call returns within microseconds, and
// the scheduler need not treat the processor as given up while it runs.
// With GOMAXPROCS above 1 that bookkeeping is what lets the runtime's
// monitor thread hand a processor in a system call to another thread,
// and that hand-off, thread wake-ups included, cost more than the
// system call saved (bench/proxy-vs-nginx.sh; README, Benchmarks).
//
// send(2) rather than write(2): the socket call skips the file layer
// that write(2) goes through first (position lock, permission and
// notification hooks), about 5% of each call on loopback (README,
// Benchmarks), and MSG_NOSIGNAL reports a peer that is gone as EPIPE
// without raising SIGPIPE. p is not empty.
func rawSend(fd uintptr, p []byte) (int, error) {
	n, _, errno := syscall.RawSyscall6(syscall.SYS_SENDTO, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), syscall.MSG_NOSIGNAL, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// rawRecv is recv(2) without the runtime's system-call bookkeeping (see
// rawSend). p is not empty.
func rawRecv(fd uintptr, p []byte) (int, error) {
	n, _, errno := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// ignoringEINTR repeats a system call interrupted by a signal.
func ignoringEINTR(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

// opError wraps err like the net package does.
func (e *Exchange) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: e.conn.LocalAddr().Network(), Source: e.conn.LocalAddr(), Addr: e.conn.RemoteAddr(), Err: err}
}
