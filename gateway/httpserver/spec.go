package httpserver

import (
	"time"

	"github.com/gatewright/gatewright/registry"
)

// Defaults of the HTTPServer spec.
const (
	// DefaultKeepAliveTimeout is the idle timeout of kept-alive connections.
	DefaultKeepAliveTimeout = 60 * time.Second
	// DefaultClientHeaderTimeout bounds reading a request header.
	DefaultClientHeaderTimeout = 60 * time.Second
	// DefaultClientBodyTimeout bounds each wait for more of a request body.
	DefaultClientBodyTimeout = 60 * time.Second
	// DefaultMaxConnections is the default cap on concurrent connections.
	DefaultMaxConnections = 10240
	// DefaultClientMaxBodySize is the request body cap used when
	// clientMaxBodySize is 0.
	DefaultClientMaxBodySize = 4 << 20
	// RouterOrdered is the router kind that tries rules and paths in order.
	RouterOrdered = "Ordered"
	// RouterRadixTree is the router kind that indexes each rule's paths
	// as patterns in a radix tree: per path segment a literal beats a
	// regexp parameter, which beats a plain parameter, which beats the
	// tail wildcard, whatever the declaration order.
	RouterRadixTree = "RadixTree"
)

// Spec is the HTTPServer document's own fields.
type Spec struct {
	// Port is the listen port.
	Port uint16 `json:"port" jsonschema:"required,minimum=1,maximum=65535" jsonschema_description:"listen port"`
	// Address is the bind address; the node's traffic IP when empty.
	Address string `json:"address,omitempty" jsonschema_description:"bind address; the node's traffic address when empty"`
	// HTTPS serves TLS; it needs a certificate pair.
	HTTPS bool `json:"https,omitempty" jsonschema_description:"serve TLS; needs certBase64/keyBase64 or certs/keys"`
	// CertBase64 is a certificate PEM, base64-encoded.
	CertBase64 string `json:"certBase64,omitempty" jsonschema_description:"certificate PEM, base64-encoded"`
	// KeyBase64 is the private key PEM of CertBase64, base64-encoded.
	KeyBase64 string `json:"keyBase64,omitempty" secret:"true" jsonschema_description:"private key PEM, base64-encoded"`
	// Certs maps a pair name to a certificate PEM (plain or base64).
	Certs map[string]string `json:"certs,omitempty" jsonschema_description:"pair name to certificate PEM (plain or base64)"`
	// Keys maps a pair name to a private key PEM (plain or base64).
	Keys map[string]string `json:"keys,omitempty" secret:"true" jsonschema_description:"pair name to private key PEM (plain or base64)"`
	// CACertBase64 is a base64 CA PEM; when set, clients must present a
	// certificate it verifies (mTLS).
	CACertBase64 string `json:"caCertBase64,omitempty" jsonschema_description:"base64 CA PEM; when set clients must present a certificate it verifies"`
	// KeepAlive enables HTTP keep-alive.
	KeepAlive bool `json:"keepAlive" jsonschema_description:"HTTP keep-alive (default true)"`
	// KeepAliveTimeout is the idle timeout of kept-alive connections; 0
	// means no timeout.
	KeepAliveTimeout registry.Duration `json:"keepAliveTimeout" jsonschema_description:"idle timeout of kept-alive connections (default 60s)"`
	// ClientHeaderTimeout bounds the time from a request's first byte to
	// the end of its header (a gatewright addition; default 60s). A
	// client slower than that has its connection closed, so slow clients
	// cannot hold connections (slowloris).
	ClientHeaderTimeout registry.Duration `json:"clientHeaderTimeout" jsonschema_description:"time allowed from a request's first byte to the end of its header (default 60s; gatewright addition)"`
	// ClientBodyTimeout bounds each wait for more of a request body (a
	// gatewright addition; default 60s): a body may take any time as long
	// as data keeps coming.
	ClientBodyTimeout registry.Duration `json:"clientBodyTimeout" jsonschema_description:"longest wait for more of a request body (default 60s; gatewright addition)"`
	// MaxConnections caps concurrent client connections; further
	// connections wait in the accept queue.
	MaxConnections uint32 `json:"maxConnections" jsonschema:"minimum=1" jsonschema_description:"concurrent client connections (default 10240)"`
	// XForwardedFor appends the peer address to X-Forwarded-For unless it
	// is already listed.
	XForwardedFor bool `json:"xForwardedFor,omitempty" jsonschema_description:"append the client address to X-Forwarded-For unless present"`
	// ClientMaxBodySize caps request bodies in bytes: 0 is 4 MiB, -1 is
	// unlimited (the body is streamed to the pipeline).
	ClientMaxBodySize int64 `json:"clientMaxBodySize,omitempty" jsonschema:"minimum=-1" jsonschema_description:"request body cap in bytes; 0 = 4 MiB; -1 = unlimited and streamed"`
	// IPFilter is the server-wide client IP filter.
	IPFilter *IPFilterSpec `json:"ipFilter,omitempty"`
	// TrustedProxies are the IPs and CIDRs of the proxies in front of the
	// server (a gatewright addition). When set, X-Forwarded-For and
	// X-Real-IP are believed only from them, and the client is the last
	// X-Forwarded-For entry that is not one of them. When empty, as in
	// Easegress, the first X-Forwarded-For entry, else X-Real-IP, is the
	// client, whoever sent it: any client can then choose the address IP
	// filters see.
	TrustedProxies []string `json:"trustedProxies,omitempty" jsonschema:"uniqueItems=true" jsonschema_description:"IPs or CIDRs of proxies whose X-Forwarded-For and X-Real-IP are believed; empty believes every client (Easegress behaviour)"`
	// RouterKind is Ordered (paths tried in order) or RadixTree (path is a
	// pattern; see Path.Path).
	RouterKind string `json:"routerKind" jsonschema:"enum=Ordered,enum=RadixTree" jsonschema_description:"router kind: Ordered tries each rule's paths in order; RadixTree matches path as a pattern (/a/b, /u/{id}, /u/{id:[0-9]+}, /files/*) with literal before regexp before parameter before wildcard per segment"`
	// CacheSize is the number of routing decisions kept in the
	// route-decision cache (0: no cache; capped at 1048576). Only
	// decisions that depend on host, method and path alone are cached.
	CacheSize uint32 `json:"cacheSize,omitempty" jsonschema_description:"route-decision cache entries; 0 = off; at most 1048576; only decisions that depend on host, method and path alone are cached"`
	// Rules are the routing rules, tried in order.
	Rules []Rule `json:"rules,omitempty"`
	// AccessLogFormat, when set, writes an access log line per request in
	// this format ({{Time}}, {{RemoteAddr}}, ... see DefaultAccessLogFormat).
	AccessLogFormat string `json:"accessLogFormat,omitempty" jsonschema_description:"access log line per request with {{Variables}}; empty: no access log"`
	// GlobalFilter names a GlobalFilter run around every pipeline.
	GlobalFilter string `json:"globalFilter,omitempty" jsonschema_description:"name of a GlobalFilter whose flows run around every pipeline"`
	// Tracing gives the server a tracer provider of its own, used for its
	// requests instead of the node's (see TracingSpec).
	Tracing *TracingSpec `json:"tracing,omitempty" jsonschema_description:"distributed tracing of this server's requests with a tracer provider of its own instead of the node's"`
	// HTTP3 would serve HTTP/3 as well; the fasthttp data plane cannot,
	// so true is refused.
	HTTP3 bool `json:"http3,omitempty" jsonschema_description:"serve HTTP/3 as well; not supported by gatewright's fasthttp data plane, so true is refused"`
	// AutoCert would take the certificates from the AutoCertManager;
	// gatewright has no AutoCertManager yet, so true is refused.
	AutoCert bool `json:"autoCert,omitempty" jsonschema_description:"use certificates from the AutoCertManager; gatewright has no AutoCertManager yet, so true is refused"`
}

// Rule is one routing rule: host and IP conditions over a list of paths.
type Rule struct {
	// Host is an exact host, or one with a single '*' at its start or end.
	Host string `json:"host,omitempty" jsonschema_description:"exact host; or one '*' at the start or end"`
	// HostRegexp is an RE2 expression matched against the host.
	HostRegexp string `json:"hostRegexp,omitempty" jsonschema_description:"RE2 expression matched against the host"`
	// Hosts lists further host conditions; Host and HostRegexp are
	// appended to it. No host condition at all matches any host.
	Hosts []Host `json:"hosts,omitempty"`
	// IPFilter is the rule's client IP filter.
	IPFilter *IPFilterSpec `json:"ipFilter,omitempty"`
	// Paths are tried in order (Ordered) or by pattern priority
	// (RadixTree); an empty list matches nothing.
	Paths []Path `json:"paths,omitempty"`
}

// Host is one host condition of a rule.
type Host struct {
	// Value is the host (exact or wildcard) or the expression.
	Value string `json:"value" jsonschema:"required"`
	// IsRegexp makes Value an RE2 expression.
	IsRegexp bool `json:"isRegexp,omitempty"`
}

// Path is one routing entry of a rule.
type Path struct {
	// Path is an exact path. With routerKind RadixTree it is a pattern
	// (and required): literal text, parameters {name} and {name:regexp}
	// whose value is non-empty and stays within a segment, and an optional
	// '*' at the very end matching the rest of the path.
	Path string `json:"path,omitempty" jsonschema:"pattern=^/" jsonschema_description:"exact path; with routerKind RadixTree a pattern: /a/b, /u/{id}, /u/{id:[0-9]+}, /files/*"`
	// PathPrefix is a path prefix (Ordered only).
	PathPrefix string `json:"pathPrefix,omitempty" jsonschema:"pattern=^/" jsonschema_description:"path prefix (routerKind Ordered only)"`
	// PathRegexp is an RE2 expression matched against the path (Ordered
	// only).
	PathRegexp string `json:"pathRegexp,omitempty" jsonschema_description:"RE2 expression matched against the path (routerKind Ordered only)"`
	// RewriteTarget rewrites the path: it replaces an exact path, swaps a
	// prefix, or is the replacement ($1 ...) of the expression. With
	// RadixTree it is a template: {name} is a parameter's value and
	// {EG_WILDCARD} what '*' matched.
	RewriteTarget string `json:"rewriteTarget,omitempty" jsonschema_description:"new path; needs path, pathPrefix or pathRegexp; with RadixTree {name} and {EG_WILDCARD} insert captured values"`
	// Methods are the allowed methods; empty allows all.
	Methods []string `json:"methods,omitempty" jsonschema:"uniqueItems=true,enum=GET,enum=HEAD,enum=POST,enum=PUT,enum=PATCH,enum=DELETE,enum=CONNECT,enum=OPTIONS,enum=TRACE"`
	// Headers are header conditions.
	Headers []Condition `json:"headers,omitempty"`
	// Queries are query parameter conditions.
	Queries []Condition `json:"queries,omitempty"`
	// MatchAllHeader requires every header condition instead of one.
	MatchAllHeader bool `json:"matchAllHeader,omitempty"`
	// MatchAllQuery requires every query condition instead of one.
	MatchAllQuery bool `json:"matchAllQuery,omitempty"`
	// IPFilter is the path's client IP filter.
	IPFilter *IPFilterSpec `json:"ipFilter,omitempty"`
	// Backend names the pipeline that handles matching requests. A path
	// has exactly one of Backend and BackendPool.
	Backend string `json:"backend,omitempty" jsonschema_description:"pipeline name; a path has exactly one of backend and backendPool"`
	// BackendPool is an inline Proxy pool that handles matching requests
	// instead of a pipeline: the fields of one pool of the Proxy filter's
	// pools (servers, loadBalance, timeout, healthCheck, ...), decoded and
	// checked by the Proxy kind. filter, retryPolicy and
	// circuitBreakerPolicy need a pipeline and are refused.
	BackendPool map[string]any `json:"backendPool,omitempty" secretsAs:"filter:Proxy:pools[]" jsonschema_description:"inline Proxy pool instead of backend: the fields of one pool of a Proxy filter (servers, loadBalance, timeout, healthCheck, ...) without filter, retryPolicy and circuitBreakerPolicy, which need a pipeline"`
	// ClientMaxBodySize overrides the server's body cap (0 = server value).
	ClientMaxBodySize int64 `json:"clientMaxBodySize,omitempty" jsonschema:"minimum=-1" jsonschema_description:"body cap for this path; 0 = the server value; -1 = unlimited"`
	// SetHeaders sets request headers on match; "" deletes. Values may use
	// $var and ${var:default}.
	SetHeaders map[string]string `json:"setHeaders,omitempty" jsonschema_description:"request headers set on match; empty deletes; $var and ${var:default} are expanded"`
}

// Condition is a header or query condition: the key's first value (""
// when missing) must be one of Values or match Regexp.
type Condition struct {
	// Key is the header name or query parameter.
	Key string `json:"key" jsonschema:"required"`
	// Values are accepted values.
	Values []string `json:"values,omitempty" jsonschema:"uniqueItems=true"`
	// Regexp is an RE2 expression the value must match.
	Regexp string `json:"regexp,omitempty"`
}

// IPFilterSpec filters clients by IP.
type IPFilterSpec struct {
	// AllowIPs are IPs or CIDRs; when not empty, other IPs are blocked.
	AllowIPs []string `json:"allowIPs,omitempty" jsonschema:"uniqueItems=true"`
	// BlockIPs are IPs or CIDRs that are blocked.
	BlockIPs []string `json:"blockIPs,omitempty" jsonschema:"uniqueItems=true"`
	// BlockByDefault is the verdict for IPs in neither list or in both.
	BlockByDefault bool `json:"blockByDefault,omitempty"`
}

// DefaultSpec returns a spec holding the defaults.
func DefaultSpec() *Spec {
	return &Spec{
		KeepAlive:           true,
		KeepAliveTimeout:    registry.Duration(DefaultKeepAliveTimeout),
		ClientHeaderTimeout: registry.Duration(DefaultClientHeaderTimeout),
		ClientBodyTimeout:   registry.Duration(DefaultClientBodyTimeout),
		MaxConnections:      DefaultMaxConnections,
		RouterKind:          RouterOrdered,
	}
}

// Validate checks what the schema cannot: it compiles the whole spec
// (routes, expressions, CIDRs, certificates) and reports every problem with
// its field path. The fields of a backendPool are checked by the Proxy
// kind when the server is built (New), which has the registry.
func (s *Spec) Validate() error {
	_, err := compile(s, nil)
	return err
}
