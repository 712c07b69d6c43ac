// Package netaddr parses client addresses and IP lists without allocating
// on the request path: IP/CIDR lists with an allow/block verdict (the
// IPFilter of Easegress), addresses written in headers, and the client
// address behind trusted proxies.
//
// It is shared by the IPFilter filter and by gateway/httpserver, whose
// ipFilter specs and real-IP parsing are built on it.
package netaddr
