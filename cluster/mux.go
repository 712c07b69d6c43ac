package cluster

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// The cluster address carries two protocols on one TCP port. The dialing
// side writes one byte first that names the protocol of the connection.
const (
	// connRaft marks a connection of raft's transport.
	connRaft byte = 'R'
	// connRPC marks a connection of the store's own RPC (write forwarding,
	// linearizable reads, leave, status).
	connRPC byte = 'F'
)

// firstByteTimeout bounds how long an accepted connection may take to name
// its protocol.
const firstByteTimeout = 10 * time.Second

// errMuxClosed is returned by Accept after the listener was closed.
var errMuxClosed = errors.New("cluster: listener closed")

// mux accepts the connections of the cluster address and routes them by
// their first byte: raft connections to raft's transport (through Accept),
// RPC connections to the rpc handler. It also dials raft's outgoing
// connections, and tracks every connection so that Close cuts them all, as
// a stopped process would.
type mux struct {
	ln        net.Listener
	advertise net.Addr
	network   Network
	logger    *slog.Logger
	rpc       func(net.Conn)

	raftConns chan net.Conn
	closed    chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

var _ raft.StreamLayer = (*mux)(nil)

// newMux listens on bind. advertise is the address announced to the other
// nodes ("" = the bound address, which then must not be an unspecified IP).
func newMux(network Network, bind, advertise string, logger *slog.Logger) (*mux, error) {
	ln, err := network.Listen(bind)
	if err != nil {
		return nil, err
	}
	var adv net.Addr = ln.Addr()
	if advertise != "" {
		if adv, err = net.ResolveTCPAddr("tcp", advertise); err != nil {
			_ = ln.Close()
			return nil, err
		}
	}
	if tcp, ok := adv.(*net.TCPAddr); !ok || tcp.IP == nil || tcp.IP.IsUnspecified() || tcp.Port == 0 {
		_ = ln.Close()
		return nil, errors.New("the address " + adv.String() + " cannot be reached by other nodes: bind a specific IP or set an advertise address")
	}
	return &mux{
		ln:        ln,
		advertise: adv,
		network:   network,
		logger:    logger,
		raftConns: make(chan net.Conn),
		closed:    make(chan struct{}),
		conns:     make(map[*trackedConn]struct{}),
	}, nil
}

// serve accepts connections until Close; rpc handles the RPC connections.
func (m *mux) serve(rpc func(net.Conn)) {
	m.rpc = rpc
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		delay := 5 * time.Millisecond
		for {
			c, err := m.ln.Accept()
			if err != nil {
				select {
				case <-m.closed:
					return
				case <-time.After(delay):
				}
				m.logger.Warn("cluster: accept failed", "err", err)
				delay = min(2*delay, time.Second)
				continue
			}
			delay = 5 * time.Millisecond
			tc := m.track(c)
			if tc == nil {
				continue
			}
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				m.route(tc)
			}()
		}
	}()
}

// route reads the protocol byte of an accepted connection and hands it on.
func (m *mux) route(c *trackedConn) {
	var b [1]byte
	_ = c.SetReadDeadline(time.Now().Add(firstByteTimeout))
	if _, err := io.ReadFull(c, b[:]); err != nil {
		_ = c.Close()
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	switch b[0] {
	case connRaft:
		select {
		case m.raftConns <- c:
		case <-m.closed:
			_ = c.Close()
		}
	case connRPC:
		m.rpc(c)
	default:
		m.logger.Warn("cluster: dropping a connection of unknown protocol", "remote", c.RemoteAddr(), "byte", b[0])
		_ = c.Close()
	}
}

// Accept returns the next raft connection.
func (m *mux) Accept() (net.Conn, error) {
	select {
	case c := <-m.raftConns:
		return c, nil
	case <-m.closed:
		return nil, errMuxClosed
	}
}

// Addr returns the advertised cluster address.
func (m *mux) Addr() net.Addr { return m.advertise }

// Dial opens a raft connection to another node.
func (m *mux) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	return m.dial(context.Background(), string(address), connRaft, timeout)
}

// dial opens a connection of protocol kind to addr.
func (m *mux) dial(ctx context.Context, addr string, kind byte, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := m.network.Dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	tc := m.track(c)
	if tc == nil {
		return nil, errMuxClosed
	}
	_ = tc.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := tc.Write([]byte{kind}); err != nil {
		_ = tc.Close()
		return nil, err
	}
	_ = tc.SetWriteDeadline(time.Time{})
	return tc, nil
}

// track registers c so that Close closes it; nil if the mux is closed.
func (m *mux) track(c net.Conn) *trackedConn {
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-m.closed:
		_ = c.Close()
		return nil
	default:
	}
	tc := &trackedConn{Conn: c, m: m}
	m.conns[tc] = struct{}{}
	return tc
}

// Close stops accepting and closes every connection, incoming and outgoing.
func (m *mux) Close() error {
	var err error
	m.closeOnce.Do(func() {
		m.mu.Lock()
		close(m.closed)
		conns := make([]*trackedConn, 0, len(m.conns))
		for c := range m.conns {
			conns = append(conns, c)
		}
		m.mu.Unlock()
		err = m.ln.Close()
		for _, c := range conns {
			_ = c.Close()
		}
		m.wg.Wait()
	})
	return err
}

// trackedConn is a connection registered with its mux until it closes.
type trackedConn struct {
	net.Conn
	m    *mux
	once sync.Once
}

// Close closes the connection and forgets it.
func (c *trackedConn) Close() error {
	var err error
	c.once.Do(func() {
		err = c.Conn.Close()
		c.m.mu.Lock()
		delete(c.m.conns, c)
		c.m.mu.Unlock()
	})
	return err
}
