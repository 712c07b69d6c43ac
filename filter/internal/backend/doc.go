// Package backend holds what the Proxy and the WebSocketProxy filters
// share about their upstream servers: parsing a server URL, checking a
// filter's pool list and a pool's server list, picking servers by tag, the
// hash that spreads requests over servers, the loop that drives active
// health probes and the checks of a probe's reply.
//
// The functions work on the filters' own spec types through small accessor
// functions, so this package does not import either filter.
package backend
