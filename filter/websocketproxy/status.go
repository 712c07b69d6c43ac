package websocketproxy

import (
	"time"

	"github.com/gatewright/gatewright/filter/proxy"
)

// Status is the runtime status of a WebSocketProxy. It holds no secrets.
type Status struct {
	// ActiveSessions is the number of proxied connections open now
	// (across the generations that handed them on).
	ActiveSessions int `json:"activeSessions"`
	// Pools lists the pools in spec order.
	Pools []PoolStatus `json:"pools"`
}

// PoolStatus is the status of one pool.
type PoolStatus struct {
	// Name is the pool's place in the spec: pools[i].
	Name string `json:"name"`
	// Main is true for the main pool.
	Main bool `json:"main"`
	// LoadBalance is the load balancing policy.
	LoadBalance string `json:"loadBalance"`
	// ClientMaxMsgSize and ServerMaxMsgSize are the effective message
	// limits (-1: unlimited).
	ClientMaxMsgSize int64 `json:"clientMaxMsgSize"`
	ServerMaxMsgSize int64 `json:"serverMaxMsgSize"`
	// Servers lists the servers.
	Servers []ServerStatus `json:"servers"`
}

// ServerStatus is the status of one server.
type ServerStatus struct {
	URL string `json:"url"`
	// Healthy is false while the health check holds the server down.
	Healthy bool `json:"healthy"`
	// ActiveSessions is the number of connections to it that this
	// generation opened and that are open now.
	ActiveSessions int64 `json:"activeSessions"`
	// Sessions and Failures count the handshakes it accepted and those
	// that failed, since this generation started.
	Sessions uint64 `json:"sessions"`
	Failures uint64 `json:"failures"`
	// Probes, ConsecutiveFails, LastProbe and LastProbeError describe the
	// health probes.
	Probes           uint64     `json:"probes,omitempty"`
	ConsecutiveFails int        `json:"consecutiveFails,omitempty"`
	LastProbe        *time.Time `json:"lastProbe,omitempty"`
	LastProbeError   string     `json:"lastProbeError,omitempty"`
}

// Status returns a Status.
func (w *WebSocketProxy) Status() any {
	st := &Status{}
	if w.sessions != nil {
		st.ActiveSessions = w.sessions.count()
	}
	for _, p := range w.all {
		ps := PoolStatus{
			Name:             p.name,
			Main:             p.matcher == nil,
			LoadBalance:      p.lb.policy,
			ClientMaxMsgSize: shownLimit(p.clientLimit),
			ServerMaxMsgSize: shownLimit(p.serverLimit),
			Servers:          []ServerStatus{},
		}
		if ps.LoadBalance == "" {
			ps.LoadBalance = proxy.PolicyRoundRobin
		}
		for i, s := range p.servers {
			ss := ServerStatus{
				URL:            s.spec.URL,
				Healthy:        s.healthy.Load(),
				ActiveSessions: s.active.Load(),
				Sessions:       s.sessions.Load(),
				Failures:       s.failures.Load(),
			}
			if p.checker != nil {
				fails, probes, last, lastErr := p.checker.targets[i].snapshot()
				ss.ConsecutiveFails, ss.Probes, ss.LastProbeError = fails, probes, lastErr
				if !last.IsZero() {
					ss.LastProbe = &last
				}
			}
			ps.Servers = append(ps.Servers, ss)
		}
		st.Pools = append(st.Pools, ps)
	}
	return st
}

// shownLimit turns a read limit back into the spec's words.
func shownLimit(v int64) int64 {
	if v == 0 {
		return -1
	}
	return v
}
