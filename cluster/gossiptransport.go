package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// gossipPacketSize is the largest gossip packet read (memberlist keeps
// its packets under the UDP MTU).
const gossipPacketSize = 65536

// gossipTransport is memberlist's transport over a [Network]: UDP packets
// and TCP streams on one address.
type gossipTransport struct {
	network   Network
	logger    *slog.Logger
	tcp       net.Listener
	udp       net.PacketConn
	advertise *net.TCPAddr
	packets   chan *memberlist.Packet
	streams   chan net.Conn
	shutdown  atomic.Bool
	done      chan struct{}
	wg        sync.WaitGroup
}

var _ memberlist.Transport = (*gossipTransport)(nil)

// newGossipTransport binds bind (port 0: a free port, the same for TCP and
// UDP) and announces advertise ("" = the bound address).
func newGossipTransport(network Network, bind, advertise string, logger *slog.Logger) (*gossipTransport, error) {
	tcp, udp, err := listenGossip(network, bind)
	if err != nil {
		return nil, err
	}
	adv := tcp.Addr().(*net.TCPAddr)
	if advertise != "" {
		if adv, err = net.ResolveTCPAddr("tcp", advertise); err != nil {
			_ = tcp.Close()
			_ = udp.Close()
			return nil, fmt.Errorf("gossip advertise address: %w", err)
		}
	}
	if adv.IP == nil || adv.IP.IsUnspecified() {
		_ = tcp.Close()
		_ = udp.Close()
		return nil, fmt.Errorf("the gossip address %s cannot be reached by other nodes: bind a specific IP or set an advertise address", adv)
	}
	t := &gossipTransport{
		network:   network,
		logger:    logger,
		tcp:       tcp,
		udp:       udp,
		advertise: adv,
		packets:   make(chan *memberlist.Packet),
		streams:   make(chan net.Conn),
		done:      make(chan struct{}),
	}
	t.wg.Add(2)
	go t.acceptStreams()
	go t.readPackets()
	return t, nil
}

// listenGossip opens the TCP listener and the UDP socket on one port.
func listenGossip(network Network, bind string) (net.Listener, net.PacketConn, error) {
	host, port, err := net.SplitHostPort(bind)
	if err != nil {
		return nil, nil, fmt.Errorf("gossip address %q: %w", bind, err)
	}
	tries := 1
	if port == "0" {
		tries = 10
	}
	var lastErr error
	for range tries {
		tcp, err := network.Listen(bind)
		if err != nil {
			return nil, nil, err
		}
		p := tcp.Addr().(*net.TCPAddr).Port
		udp, err := network.ListenPacket(net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			return tcp, udp, nil
		}
		_ = tcp.Close()
		lastErr = err
	}
	return nil, nil, lastErr
}

// FinalAdvertiseAddr returns the address announced to the other nodes.
func (t *gossipTransport) FinalAdvertiseAddr(ip string, port int) (net.IP, int, error) {
	if ip != "" {
		parsed := net.ParseIP(ip)
		if parsed == nil {
			return nil, 0, fmt.Errorf("invalid advertise IP %q", ip)
		}
		return parsed, port, nil
	}
	return t.advertise.IP, t.advertise.Port, nil
}

// WriteTo sends a packet.
func (t *gossipTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return time.Time{}, err
	}
	_, err = t.udp.WriteTo(b, ua)
	return time.Now(), err
}

// PacketCh delivers the received packets.
func (t *gossipTransport) PacketCh() <-chan *memberlist.Packet { return t.packets }

// DialTimeout opens a stream to another node.
func (t *gossipTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return t.network.Dial(ctx, addr)
}

// StreamCh delivers the accepted streams.
func (t *gossipTransport) StreamCh() <-chan net.Conn { return t.streams }

// Shutdown closes the sockets and waits for the readers.
func (t *gossipTransport) Shutdown() error {
	if t.shutdown.Swap(true) {
		return nil
	}
	close(t.done)
	err := errors.Join(t.tcp.Close(), t.udp.Close())
	t.wg.Wait()
	return err
}

func (t *gossipTransport) acceptStreams() {
	defer t.wg.Done()
	for {
		c, err := t.tcp.Accept()
		if err != nil {
			if t.shutdown.Load() {
				return
			}
			t.logger.Warn("cluster: gossip accept failed", "err", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		select {
		case t.streams <- c:
		case <-t.done:
			_ = c.Close()
			return
		}
	}
}

func (t *gossipTransport) readPackets() {
	defer t.wg.Done()
	buf := make([]byte, gossipPacketSize)
	for {
		n, from, err := t.udp.ReadFrom(buf)
		ts := time.Now()
		if err != nil {
			if t.shutdown.Load() {
				return
			}
			t.logger.Warn("cluster: gossip read failed", "err", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if n < 1 {
			continue
		}
		select {
		case t.packets <- &memberlist.Packet{Buf: append([]byte(nil), buf[:n]...), From: from, Timestamp: ts}:
		case <-t.done:
			return
		}
	}
}
