package cluster

import (
	"context"
	"net"
)

// Network opens the sockets of a node's cluster traffic: the TCP listener
// of the cluster address (raft and forwarded requests), and the TCP
// listener, UDP socket and outgoing connections of the gossip. A Network
// is used by one node; the clustertest harness gives each node one that
// can cut it off from chosen other nodes.
type Network interface {
	// Listen opens a TCP listener on addr.
	Listen(addr string) (net.Listener, error)
	// ListenPacket opens a UDP socket on addr.
	ListenPacket(addr string) (net.PacketConn, error)
	// Dial opens a TCP connection to addr.
	Dial(ctx context.Context, addr string) (net.Conn, error)
}

// HostNetwork is the host's TCP/UDP network: the default [Network].
type HostNetwork struct{}

// Listen opens a TCP listener.
func (HostNetwork) Listen(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

// ListenPacket opens a UDP socket.
func (HostNetwork) ListenPacket(addr string) (net.PacketConn, error) {
	return net.ListenPacket("udp", addr)
}

// Dial opens a TCP connection.
func (HostNetwork) Dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}
