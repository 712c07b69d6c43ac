package validator

import (
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// ldapIdleTimeout is how long an idle connection is kept for the next
// bind; an older one is closed instead of used.
const ldapIdleTimeout = 30 * time.Second

// ldapConn is a connection to the LDAP server. Every operation on it is
// bounded by a deadline set on the TCP connection underneath, which also
// bounds the TLS handshakes that the LDAP client does not.
type ldapConn struct {
	raw  net.Conn // the TCP connection
	conn *ldap.Conn
	idle time.Time // when it was last put back in the pool
}

// bind binds as dn with password, all of it before deadline.
func (c *ldapConn) bind(dn, password string, deadline time.Time) error {
	if err := c.raw.SetDeadline(deadline); err != nil {
		return err
	}
	c.conn.SetTimeout(time.Until(deadline))
	err := c.conn.Bind(dn, password)
	// Idle in the pool, the connection waits for nothing; a deadline
	// left behind would break the client's reader.
	_ = c.raw.SetDeadline(time.Time{})
	return err
}

// usable reports whether an idle connection can serve a bind.
func (c *ldapConn) usable(now time.Time) bool {
	return !c.conn.IsClosing() && now.Sub(c.idle) < ldapIdleTimeout
}

func (c *ldapConn) close() {
	_ = c.conn.Close()
	_ = c.raw.Close()
}

// ldapDialer opens connections to one LDAP server.
type ldapDialer struct {
	address  string
	useSSL   bool // TLS from the start (LDAPS)
	startTLS bool // upgrade a plain connection with StartTLS
	tls      *tls.Config
}

// dial connects, with TLS when configured, before deadline.
func (d *ldapDialer) dial(deadline time.Time) (*ldapConn, error) {
	nd := net.Dialer{Deadline: deadline}
	raw, err := nd.Dial("tcp", d.address)
	if err != nil {
		return nil, err
	}
	if err := raw.SetDeadline(deadline); err != nil {
		_ = raw.Close()
		return nil, err
	}
	var nc net.Conn = raw
	if d.useSSL {
		tc := tls.Client(raw, d.tls)
		if err := tc.Handshake(); err != nil {
			_ = raw.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		nc = tc
	}
	conn := ldap.NewConn(nc, d.useSSL)
	conn.Start()
	conn.SetTimeout(time.Until(deadline))
	c := &ldapConn{raw: raw, conn: conn}
	if d.startTLS {
		if err := conn.StartTLS(d.tls); err != nil {
			c.close()
			return nil, fmt.Errorf("StartTLS: %w", err)
		}
	}
	_ = raw.SetDeadline(time.Time{})
	return c, nil
}

// ldapPool keeps idle connections for the next binds.
type ldapPool struct {
	dialer ldapDialer

	mu     sync.Mutex // guards the fields below
	idle   []*ldapConn
	max    int
	closed bool
}

// get returns an idle connection that still works (reused true) or a
// new one.
func (p *ldapPool) get(deadline time.Time) (c *ldapConn, reused bool, err error) {
	now := time.Now()
	for {
		p.mu.Lock()
		if len(p.idle) == 0 {
			p.mu.Unlock()
			break
		}
		c = p.idle[len(p.idle)-1]
		p.idle[len(p.idle)-1] = nil
		p.idle = p.idle[:len(p.idle)-1]
		p.mu.Unlock()
		if c.usable(now) {
			return c, true, nil
		}
		c.close()
	}
	c, err = p.dialer.dial(deadline)
	return c, false, err
}

// put keeps a connection for later, or closes it when the pool is full
// or closed.
func (p *ldapPool) put(c *ldapConn) {
	c.idle = time.Now()
	p.mu.Lock()
	if !p.closed && len(p.idle) < p.max {
		p.idle = append(p.idle, c)
		c = nil
	}
	p.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// idleCount returns the number of idle connections.
func (p *ldapPool) idleCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}

// close closes the idle connections; connections put back later are
// closed too.
func (p *ldapPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range idle {
		c.close()
	}
}
