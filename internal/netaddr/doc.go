// Package netaddr parses client addresses and IP lists without allocating
// on the request path: IP/CIDR lists with an allow/block verdict (the
// IPFilter of Easegress), addresses written in headers, and the client
// address behind trusted proxies.
//
// gateway/httpserver has its own copy of the list and parsing code (it
// predates this package); new code should use this one.
package netaddr
