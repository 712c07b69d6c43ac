package clustertest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/gatewright/gatewright/cluster"
)

// faults is the harness's network switchboard: it knows which node owns
// which address, which pairs of nodes are cut off from each other, and
// the connections each node opened, so that a partition also breaks the
// connections already open across it.
type faults struct {
	mu    sync.Mutex
	owner map[string]string // cluster or gossip address -> node name
	cut   map[[2]string]bool
	conns map[*faultConn]struct{}
}

func newFaults() *faults {
	return &faults{owner: make(map[string]string), cut: make(map[[2]string]bool), conns: make(map[*faultConn]struct{})}
}

// pair is the unordered key of two node names.
func pair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// own records that node owns addr.
func (f *faults) own(addr, node string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.owner[addr] = node
}

// blocked reports whether traffic from node to addr is cut.
func (f *faults) blocked(node, addr string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.blockedLocked(node, addr)
}

func (f *faults) blockedLocked(node, addr string) bool {
	other, ok := f.owner[addr]
	return ok && f.cut[pair(node, other)]
}

// partition cuts every node of side off from every node not in it, and
// closes the connections open between them.
func (f *faults) partition(side map[string]bool, all []string) {
	f.mu.Lock()
	var broken []*faultConn
	for _, a := range all {
		for _, b := range all {
			if side[a] && !side[b] {
				f.cut[pair(a, b)] = true
			}
		}
	}
	for c := range f.conns {
		if f.cut[pair(c.from, c.to)] {
			broken = append(broken, c)
		}
	}
	f.mu.Unlock()
	for _, c := range broken {
		_ = c.Close()
	}
}

// heal removes every cut.
func (f *faults) heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.cut)
}

// network returns the cluster.Network of node.
func (f *faults) network(node string) cluster.Network {
	return &faultNetwork{f: f, node: node}
}

// errPartitioned is what a node gets when it dials across a partition.
var errPartitioned = errors.New("clustertest: partitioned")

// faultNetwork is a node's network: the host's, except across a cut.
type faultNetwork struct {
	f    *faults
	node string
}

// Listen opens a TCP listener.
func (n *faultNetwork) Listen(addr string) (net.Listener, error) {
	return cluster.HostNetwork{}.Listen(addr)
}

// ListenPacket opens a UDP socket that drops packets across a cut.
func (n *faultNetwork) ListenPacket(addr string) (net.PacketConn, error) {
	pc, err := cluster.HostNetwork{}.ListenPacket(addr)
	if err != nil {
		return nil, err
	}
	return &faultPacketConn{PacketConn: pc, n: n}, nil
}

// Dial connects unless addr is across a cut.
func (n *faultNetwork) Dial(ctx context.Context, addr string) (net.Conn, error) {
	if n.f.blocked(n.node, addr) {
		return nil, fmt.Errorf("dial %s: %w", addr, errPartitioned)
	}
	c, err := cluster.HostNetwork{}.Dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	n.f.mu.Lock()
	defer n.f.mu.Unlock()
	if n.f.blockedLocked(n.node, addr) {
		_ = c.Close()
		return nil, fmt.Errorf("dial %s: %w", addr, errPartitioned)
	}
	fc := &faultConn{Conn: c, f: n.f, from: n.node, to: n.f.owner[addr]}
	n.f.conns[fc] = struct{}{}
	return fc, nil
}

// faultConn is a connection a node opened, tracked until it closes.
type faultConn struct {
	net.Conn
	f        *faults
	from, to string
	once     sync.Once
}

// Close closes the connection and forgets it.
func (c *faultConn) Close() error {
	var err error
	c.once.Do(func() {
		err = c.Conn.Close()
		c.f.mu.Lock()
		delete(c.f.conns, c)
		c.f.mu.Unlock()
	})
	return err
}

// faultPacketConn drops the packets to and from nodes across a cut.
type faultPacketConn struct {
	net.PacketConn
	n *faultNetwork
}

// WriteTo sends p unless addr is across a cut (then it is silently lost).
func (c *faultPacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if c.n.f.blocked(c.n.node, addr.String()) {
		return len(p), nil
	}
	return c.PacketConn.WriteTo(p, addr)
}

// ReadFrom returns the next packet that does not come across a cut.
func (c *faultPacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, from, err := c.PacketConn.ReadFrom(p)
		if err != nil || !c.n.f.blocked(c.n.node, from.String()) {
			return n, from, err
		}
	}
}
