package proxy

import (
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/backend"
	"github.com/gatewright/gatewright/registry"
)

// Defaults applied when a spec leaves a field out or sets it to zero.
const (
	// DefaultServerMaxBodySize is the reply body size buffered in memory
	// when serverMaxBodySize is 0; longer bodies are streamed.
	DefaultServerMaxBodySize = 4 << 20
	// DefaultMaxIdleConns is the default of maxIdleConns.
	DefaultMaxIdleConns = 10240
	// DefaultMaxIdleConnsPerHost is the default of maxIdleConnsPerHost.
	DefaultMaxIdleConnsPerHost = 1024
	// MaxRedirectionLimit is the largest maxRedirection accepted, the
	// limit of the major browsers.
	MaxRedirectionLimit = 20
)

// Spec is the Proxy filter's own fields (Easegress's Proxy vocabulary).
type Spec struct {
	// Pools lists the upstream pools: exactly one without filter (the main
	// pool); pools with a filter are candidates tried first, in order.
	Pools []*PoolSpec `json:"pools" jsonschema:"required,minItems=1,description=upstream pools: exactly one without filter (main); pools with filter are candidates tried first in order"`
	// MirrorPool receives a copy of the requests its filter matches, in the
	// background; its replies are dropped.
	MirrorPool *PoolSpec `json:"mirrorPool,omitempty" jsonschema:"description=pool receiving a background copy of matching requests; filter required; replies dropped"`
	// MTLS configures TLS towards https upstreams. Without it upstream
	// certificates are not verified.
	MTLS *MTLSSpec `json:"mtls,omitempty" jsonschema:"description=TLS towards https upstreams; without it upstream certificates are not verified"`
	// MaxIdleConns caps the idle connections kept per upstream server
	// together with MaxIdleConnsPerHost (fasthttp pools connections per
	// server, so the smaller of the two applies to each server). Busy
	// connections are not capped.
	MaxIdleConns int `json:"maxIdleConns" jsonschema:"minimum=0,default=10240,description=idle upstream connections kept (applied per server together with maxIdleConnsPerHost); busy ones are not capped"`
	// MaxIdleConnsPerHost caps the idle connections kept per upstream
	// server; a connection coming back while that many are idle is closed.
	// Busy connections are not capped.
	MaxIdleConnsPerHost int `json:"maxIdleConnsPerHost" jsonschema:"minimum=0,default=1024,description=idle connections kept per upstream server; busy ones are not capped"`
	// MaxRedirection is the number of upstream redirects followed per try,
	// at most MaxRedirectionLimit; 0 returns the 3xx to the client. Only
	// redirects to the servers of the pool that sent them are followed
	// (see the package documentation).
	MaxRedirection int `json:"maxRedirection,omitempty" jsonschema:"minimum=0,maximum=20,description=upstream redirects followed per try (0 returns the 3xx); only to a server of the same pool\\, never to another host"`
	// ServerMaxBodySize is the reply body size buffered in memory: 0 means
	// 4 MiB; longer replies are streamed to the client; -1 streams every
	// reply.
	ServerMaxBodySize int64 `json:"serverMaxBodySize,omitempty" jsonschema:"minimum=-1,description=reply bytes buffered (0 = 4 MiB); longer replies are streamed; -1 streams all"`
	// Compression gzips replies for clients that accept gzip.
	Compression *CompressionSpec `json:"compression,omitempty" jsonschema:"description=gzip replies for clients accepting gzip (or sending no Accept-Encoding)"`
}

// CompressionSpec is the Proxy's reply compression.
type CompressionSpec struct {
	// MinLength is the smallest reply body compressed, in bytes.
	MinLength uint32 `json:"minLength" jsonschema:"description=smallest reply body gzipped in bytes"`
}

// PoolSpec is one upstream pool.
type PoolSpec struct {
	// Filter makes the pool a candidate: requests it matches go here.
	Filter *RequestMatcherSpec `json:"filter,omitempty" jsonschema:"description=makes the pool a candidate for the requests it matches"`
	// Servers are the static upstream servers.
	Servers []*ServerSpec `json:"servers,omitempty" jsonschema:"description=static upstream servers"`
	// ServerTags keeps only the servers having any of these tags.
	ServerTags []string `json:"serverTags,omitempty" jsonschema:"description=keep only servers having any of these tags"`
	// LoadBalance chooses a server per request; round robin by default.
	LoadBalance *LoadBalanceSpec `json:"loadBalance,omitempty"`
	// Timeout bounds each attempt, the redirects it follows included; when
	// it passes the result is timeout (status 408). Zero means no timeout.
	Timeout registry.Duration `json:"timeout,omitempty" jsonschema:"description=per-attempt timeout (redirects followed included); result timeout (408) when it passes"`
	// RetryPolicy names a Retry policy of the pipeline.
	RetryPolicy string `json:"retryPolicy,omitempty" jsonschema:"description=name of a Retry policy in the pipeline's resilience list"`
	// CircuitBreakerPolicy names a CircuitBreaker policy of the pipeline.
	CircuitBreakerPolicy string `json:"circuitBreakerPolicy,omitempty" jsonschema:"description=name of a CircuitBreaker policy in the pipeline's resilience list"`
	// FailureCodes are the upstream statuses giving result failureCode;
	// 500-599 when empty.
	FailureCodes []int `json:"failureCodes,omitempty" jsonschema:"description=statuses giving result failureCode (default 500-599)"`
	// MemoryCache caches replies of this pool in memory.
	MemoryCache *MemoryCacheSpec `json:"memoryCache,omitempty" jsonschema:"description=in-memory cache of this pool's replies"`
	// HealthCheck enables active probes of the servers.
	HealthCheck *HealthCheckSpec `json:"healthCheck,omitempty"`
	// SetUpstreamHost sends the server URL's host as Host for servers given
	// by IP address (hostname URLs always send their host).
	SetUpstreamHost bool `json:"setUpstreamHost,omitempty" jsonschema:"description=send the server URL host as Host"`
	// ServerMaxBodySize overrides the Proxy's serverMaxBodySize for this
	// pool (0 = the Proxy's value).
	ServerMaxBodySize int64 `json:"serverMaxBodySize,omitempty" jsonschema:"minimum=-1,description=per-pool reply buffering cap (0 = the Proxy value; -1 streams all)"`
	// SpanName names the pool's tracing span (recorded; tracing comes with
	// the tracing issue).
	SpanName string `json:"spanName,omitempty" jsonschema:"description=tracing span name"`
}

// ServerSpec is one static upstream server.
type ServerSpec struct {
	// URL is http(s)://host[:port], without path, query or user info.
	URL string `json:"url" jsonschema:"required,description=http(s)://host[:port]"`
	// Tags are matched by the pool's serverTags.
	Tags []string `json:"tags,omitempty"`
	// Weight is the weightedRandom share, 1-100; either every server of a
	// pool has a weight or none has.
	Weight int `json:"weight,omitempty" jsonschema:"minimum=0,maximum=100,description=weightedRandom weight; all or none of a pool's servers"`
	// KeepHost sends the client's Host to this server, whatever the URL and
	// setUpstreamHost say.
	KeepHost bool `json:"keepHost,omitempty" jsonschema:"description=send the client's Host header"`
}

// Load balancing policies.
const (
	PolicyRoundRobin     = "roundRobin"
	PolicyRandom         = "random"
	PolicyWeightedRandom = "weightedRandom"
	PolicyIPHash         = "ipHash"
	PolicyHeaderHash     = "headerHash"
	PolicyCookieHash     = "cookieHash"
)

// LoadBalanceSpec chooses the server of each request.
type LoadBalanceSpec struct {
	// Policy is roundRobin (default), random, weightedRandom, ipHash,
	// headerHash or cookieHash (the request's Cookie header hashed).
	Policy string `json:"policy,omitempty" jsonschema:"enum=roundRobin,enum=random,enum=weightedRandom,enum=ipHash,enum=headerHash,enum=cookieHash,description=server choice (default roundRobin)"`
	// HeaderHashKey is the header hashed by headerHash.
	HeaderHashKey string `json:"headerHashKey,omitempty" jsonschema:"description=header hashed by the headerHash policy"`
	// StickySession keeps a client on one server.
	StickySession *StickySessionSpec `json:"stickySession,omitempty" jsonschema:"description=keep a client on one server"`
	// HealthCheck is Easegress's deprecated place for the pool's health
	// check, used when the pool has none.
	HealthCheck *HealthCheckSpec `json:"healthCheck,omitempty" jsonschema:"description=deprecated: use the pool's healthCheck"`
}

// Sticky session modes.
const (
	// StickyCookieConsistentHash picks the server by a consistent hash of
	// the application cookie's value.
	StickyCookieConsistentHash = backend.StickyCookieConsistentHash
	// StickyDurationBased sets a load balancer cookie naming the server on
	// every reply; requests carrying it go back to that server.
	StickyDurationBased = backend.StickyDurationBased
	// StickyApplicationBased sets the load balancer cookie when the reply
	// sets the application cookie.
	StickyApplicationBased = backend.StickyApplicationBased
	// DefaultLBCookieName is the default name of the load balancer cookie.
	DefaultLBCookieName = "EG_SESSION"
	// DefaultLBCookieExpire is the default lifetime of the load balancer
	// cookie.
	DefaultLBCookieExpire = 2 * time.Hour
)

// StickySessionSpec keeps a client on one server.
type StickySessionSpec struct {
	// Mode is CookieConsistentHash, DurationBased or ApplicationBased.
	Mode string `json:"mode" jsonschema:"required,enum=CookieConsistentHash,enum=DurationBased,enum=ApplicationBased,description=CookieConsistentHash | DurationBased | ApplicationBased"`
	// AppCookieName is the application's session cookie
	// (CookieConsistentHash and ApplicationBased).
	AppCookieName string `json:"appCookieName,omitempty" jsonschema:"description=the application's session cookie (CookieConsistentHash and ApplicationBased)"`
	// LBCookieName is the cookie the load balancer sets (EG_SESSION).
	LBCookieName string `json:"lbCookieName,omitempty" jsonschema:"description=cookie set by the load balancer (default EG_SESSION)"`
	// LBCookieExpire is the load balancer cookie's lifetime (2h).
	LBCookieExpire registry.Duration `json:"lbCookieExpire,omitempty" jsonschema:"description=lifetime of the load balancer cookie (default 2h)"`
}

// MemoryCacheSpec caches a pool's replies in memory.
type MemoryCacheSpec struct {
	// Expiration is how long an entry is served (less when the reply's
	// Cache-Control max-age says so).
	Expiration registry.Duration `json:"expiration" jsonschema:"required,description=how long an entry is served (a shorter Cache-Control max-age wins)"`
	// MaxEntryBytes is the largest reply body cached.
	MaxEntryBytes uint32 `json:"maxEntryBytes" jsonschema:"required,minimum=1,description=largest reply body cached in bytes"`
	// MaxTotalBytes bounds the memory of all entries together (headers
	// and bodies); 0 means 64 MiB. The least recently used entries go
	// first.
	MaxTotalBytes int64 `json:"maxTotalBytes,omitempty" jsonschema:"minimum=0,description=bound on the memory of all entries in bytes (default 64 MiB); least recently used go first"`
	// Codes are the reply statuses cached.
	Codes []int `json:"codes" jsonschema:"required,minItems=1,description=reply statuses cached"`
	// Methods are the request methods cached.
	Methods []string `json:"methods" jsonschema:"required,minItems=1,description=request methods cached"`
}

// Request matcher policies.
const (
	MatchGeneral    = "general"
	MatchIPHash     = "ipHash"
	MatchHeaderHash = "headerHash"
	MatchRandom     = "random"
)

// RequestMatcherSpec selects the requests a candidate or mirror pool takes.
type RequestMatcherSpec struct {
	// Policy is general (or empty): header and URL conditions; or ipHash,
	// headerHash, random: a permil share of the traffic.
	Policy string `json:"policy,omitempty" jsonschema:"enum=,enum=general,enum=ipHash,enum=headerHash,enum=random,description=general (header/URL conditions) or a permil share by ipHash\\, headerHash or random"`
	// Headers maps a header name to its condition (general).
	Headers map[string]adapt.StringMatcher `json:"headers,omitempty" jsonschema:"description=header conditions (general; required there)"`
	// MatchAllHeaders requires every header condition instead of one.
	MatchAllHeaders bool `json:"matchAllHeaders,omitempty"`
	// URLs, when set, also require one method and path condition to match
	// (general).
	URLs []*MethodAndURLSpec `json:"urls,omitempty"`
	// Permil is the share of requests taken, 1-1000 (ipHash, headerHash,
	// random).
	Permil int `json:"permil,omitempty" jsonschema:"minimum=0,maximum=1000,description=share of requests taken in 1/1000 (ipHash\\, headerHash\\, random)"`
	// HeaderHashKey is the header hashed by headerHash.
	HeaderHashKey string `json:"headerHashKey,omitempty"`
}

// MethodAndURLSpec is a method and path condition of a general matcher.
type MethodAndURLSpec struct {
	// Methods lists the accepted methods; empty accepts any.
	Methods []string `json:"methods,omitempty" jsonschema:"description=accepted methods; empty = any"`
	// URL is the condition on the request path.
	URL *adapt.StringMatcher `json:"url" jsonschema:"required"`
}

// HealthCheckSpec configures active health probes.
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
	// Match says what a healthy reply looks like.
	Match *HealthMatchSpec `json:"match,omitempty"`
}

// HealthMatchSpec says what a healthy probe reply looks like.
type HealthMatchSpec struct {
	// StatusCodes are inclusive ranges of healthy statuses ([[200,399]]).
	StatusCodes [][2]int `json:"statusCodes,omitempty" jsonschema:"description=inclusive healthy status ranges (default [[200\\,399]])"`
	// Headers must all match.
	Headers []HealthHeaderMatch `json:"headers,omitempty"`
	// Body must match.
	Body *HealthBodyMatch `json:"body,omitempty"`
}

// HealthHeaderMatch is a condition on a probe reply header.
type HealthHeaderMatch struct {
	// Name is the header name.
	Name string `json:"name" jsonschema:"required"`
	// Value is the expected value or expression.
	Value string `json:"value,omitempty"`
	// Type is exact (default) or regexp.
	Type string `json:"type,omitempty" jsonschema:"enum=,enum=exact,enum=regexp"`
}

// HealthBodyMatch is a condition on a probe reply body.
type HealthBodyMatch struct {
	// Value is the expected substring or expression.
	Value string `json:"value,omitempty"`
	// Type is contains (default) or regexp.
	Type string `json:"type,omitempty" jsonschema:"enum=,enum=contains,enum=regexp"`
}

// MTLSSpec configures TLS towards https upstreams.
type MTLSSpec struct {
	// CertBase64 is the client certificate PEM, base64-encoded.
	CertBase64 string `json:"certBase64,omitempty"`
	// KeyBase64 is the client key PEM, base64-encoded.
	KeyBase64 string `json:"keyBase64,omitempty" secret:"true"`
	// RootCertBase64 is the CA PEM verifying upstream certificates,
	// base64-encoded.
	RootCertBase64 string `json:"rootCertBase64" jsonschema:"required"`
	// InsecureSkipVerify skips verification of upstream certificates.
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// newSpec returns a spec holding the defaults.
func newSpec() any {
	return &Spec{
		MaxIdleConns:        DefaultMaxIdleConns,
		MaxIdleConnsPerHost: DefaultMaxIdleConnsPerHost,
	}
}

// Config compiles a validated sticky session spec, defaults filled in.
func (s *StickySessionSpec) Config() backend.StickyConfig {
	c := backend.StickyConfig{Mode: s.Mode, AppCookie: s.AppCookieName, LBCookie: s.LBCookieName, Expire: s.LBCookieExpire.D()}
	if c.LBCookie == "" {
		c.LBCookie = DefaultLBCookieName
	}
	if c.Expire <= 0 {
		c.Expire = DefaultLBCookieExpire
	}
	return c
}
