package websocketproxy

import (
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/registry"
)

// Defaults and bounds of the spec.
const (
	// DefaultMaxMsgSize is the default of clientMaxMsgSize and
	// serverMaxMsgSize, in bytes.
	DefaultMaxMsgSize = 32768
	// DefaultHealthInterval is the default probe period.
	DefaultHealthInterval = 60
	// DefaultHealthTimeout is the default probe timeout in seconds.
	DefaultHealthTimeout = 3
)

// Spec is the WebSocketProxy filter's own fields.
type Spec struct {
	// Pools lists the upstream pools: exactly one without filter (the main
	// pool); pools with a filter are candidates tried first, in order.
	Pools []*PoolSpec `json:"pools" jsonschema:"required,minItems=1,description=upstream pools: exactly one without filter (main); pools with filter are candidates tried first in order"`
}

// PoolSpec is one pool of WebSocket servers.
type PoolSpec struct {
	// Filter makes the pool a candidate for the requests it matches.
	Filter *proxy.RequestMatcherSpec `json:"filter,omitempty" jsonschema:"description=makes the pool a candidate for the requests it matches"`
	// Servers are the upstream servers: ws://, wss://, http:// or
	// https://host[:port].
	Servers []*proxy.ServerSpec `json:"servers,omitempty" jsonschema:"description=upstream servers: ws(s):// or http(s)://host[:port]"`
	// ServerTags keeps only the servers having any of these tags.
	ServerTags []string `json:"serverTags,omitempty" jsonschema:"description=keep only servers having any of these tags"`
	// LoadBalance chooses the server of each connection; round robin by
	// default.
	LoadBalance *proxy.LoadBalanceSpec `json:"loadBalance,omitempty"`
	// ClientMaxMsgSize is the largest message read from the client in
	// bytes (32768 when 0); -1 is unlimited.
	ClientMaxMsgSize int64 `json:"clientMaxMsgSize,omitempty" jsonschema:"minimum=-1,description=largest message read from the client in bytes (default 32768; -1 unlimited)"`
	// ServerMaxMsgSize is the largest message read from the server in
	// bytes (32768 when 0); -1 is unlimited.
	ServerMaxMsgSize int64 `json:"serverMaxMsgSize,omitempty" jsonschema:"minimum=-1,description=largest message read from the server in bytes (default 32768; -1 unlimited)"`
	// InsecureSkipVerify skips the check of the client's Origin header.
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty" jsonschema:"description=skip the check of the client's Origin"`
	// OriginPatterns are host patterns (path.Match syntax, e.g.
	// *.example.com) of the cross-origin pages accepted.
	OriginPatterns []string `json:"originPatterns,omitempty" jsonschema:"description=accepted cross-origin host patterns (e.g. *.example.com)"`
	// HealthCheck probes the servers.
	HealthCheck *HealthCheckSpec `json:"healthCheck,omitempty"`
}

// HealthCheckSpec configures the active probes of a pool: an HTTP probe,
// a WebSocket handshake probe, or both (both must pass).
type HealthCheckSpec struct {
	// Interval is the probe period (60s).
	Interval registry.Duration `json:"interval,omitempty" jsonschema:"description=probe period (default 60s)"`
	// Timeout bounds one probe (3s).
	Timeout registry.Duration `json:"timeout,omitempty" jsonschema:"description=probe timeout (default 3s)"`
	// Fails is the number of consecutive failed probes marking a server
	// down (1).
	Fails int `json:"fails,omitempty" jsonschema:"minimum=0,description=consecutive failures to mark down (default 1)"`
	// Passes is the number of consecutive passed probes marking a server
	// up again (1).
	Passes int `json:"passes,omitempty" jsonschema:"minimum=0,description=consecutive successes to mark up (default 1)"`
	// HTTP is an HTTP probe, as the Proxy sends.
	HTTP *HTTPProbeSpec `json:"http,omitempty" jsonschema:"description=HTTP probe (the Proxy's probe fields)"`
	// WS is a WebSocket handshake probe.
	WS *WSProbeSpec `json:"ws,omitempty" jsonschema:"description=WebSocket handshake probe"`
}

// HTTPProbeSpec is an HTTP health probe: the Proxy's probe fields.
type HTTPProbeSpec struct {
	// Port is the probe port; the server's port by default.
	Port int `json:"port,omitempty" jsonschema:"minimum=0,maximum=65535,description=probe port (default: the server's)"`
	// URI is the probe path and query; / by default.
	URI string `json:"uri,omitempty" jsonschema:"description=probe path and query"`
	// Path is the deprecated name of URI.
	Path string `json:"path,omitempty" jsonschema:"description=deprecated alias of uri"`
	// Method is the probe method (GET).
	Method string `json:"method,omitempty" jsonschema:"description=probe method (default GET)"`
	// Headers are sent with the probe; Host sets the Host header.
	Headers map[string]string `json:"headers,omitempty"`
	// Body is the probe body.
	Body string `json:"body,omitempty"`
	// Username and Password send basic auth; both or neither.
	Username string `json:"username,omitempty"`
	// Password is the basic auth password; never shown in status.
	Password string `json:"password,omitempty" secret:"true"`
	// Match says what a healthy reply looks like ([[200,399]] by default).
	Match *proxy.HealthMatchSpec `json:"match,omitempty"`
}

// WSProbeSpec is a WebSocket health probe: a handshake to the server.
type WSProbeSpec struct {
	// Port is the probe port; the server's port by default.
	Port int `json:"port,omitempty" jsonschema:"minimum=0,maximum=65535,description=probe port (default: the server's)"`
	// URI is the probe path and query; / by default.
	URI string `json:"uri,omitempty" jsonschema:"description=probe path and query"`
	// Headers are sent with the handshake; Host sets the Host header.
	Headers map[string]string `json:"headers,omitempty"`
	// Match says what a healthy handshake reply looks like: status 101 by
	// default; headers may be checked too (a body is not).
	Match *proxy.HealthMatchSpec `json:"match,omitempty" jsonschema:"description=healthy handshake reply: statusCodes (default [[101 101]]) and headers"`
}

// healthCheck returns the pool's health check: healthCheck, or else the
// deprecated loadBalance.healthCheck (the Proxy's HTTP probe fields) as an
// HTTP probe, as the Proxy reads it; nil without either.
func (p *PoolSpec) healthCheck() *HealthCheckSpec {
	if p.HealthCheck != nil {
		return p.HealthCheck
	}
	if p.LoadBalance == nil || p.LoadBalance.HealthCheck == nil {
		return nil
	}
	d := p.LoadBalance.HealthCheck
	return &HealthCheckSpec{
		Interval: d.Interval,
		Timeout:  d.Timeout,
		Fails:    d.Fails,
		Passes:   d.Passes,
		HTTP: &HTTPProbeSpec{
			Port: d.Port, URI: d.URI, Path: d.Path, Method: d.Method,
			Headers: d.Headers, Body: d.Body, Username: d.Username, Password: d.Password,
			Match: d.Match,
		},
	}
}
