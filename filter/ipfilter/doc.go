// Package ipfilter provides the IPFilter filter: it lets a request go on
// or answers 403 by the client's IP address, with the fields of the
// HTTPServer's ipFilter.
//
//	{name: office-only, kind: IPFilter, allowIPs: [10.0.0.0/8, 192.168.1.7], blockIPs: [10.66.0.0/16]}
//
// With a non-empty allowIPs, addresses outside it are blocked. An address
// in allowIPs only is allowed, in blockIPs only is blocked, and one in
// both lists or in neither gets the default: allowed, or blocked with
// blockByDefault. A blocked request gets an empty 403 response in the
// current namespace and the result "forbidden", which ends the pipeline
// unless a jumpIf routes it.
//
// # Which address
//
// The client address is the peer of the connection the request came in
// on. Proxy headers are not believed by default: X-Forwarded-For and
// X-Real-IP are trivial to forge, and a filter that trusted them could be
// bypassed by any client (the HTTPServer's own ipFilter reads
// X-Forwarded-For first; this filter does not). Behind load balancers,
// list them in trustedProxies (a gatewright addition; Easegress has no
// such field): when the peer is a trusted proxy, X-Forwarded-For is read
// from its last entry backwards, trusted proxies are skipped, and the
// first other address is the client; without X-Forwarded-For, X-Real-IP
// is used. An entry that does not parse stops the walk and the peer is
// taken. A request that did not come through a server (tests, background
// callers) uses the real IP recorded with it.
//
// Checking an address allocates nothing, except for IPv6 addresses read
// from headers.
package ipfilter
