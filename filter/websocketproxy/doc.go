// Package websocketproxy provides the WebSocketProxy filter: it proxies
// WebSocket connections to upstream pools.
//
//	{name: live, kind: WebSocketProxy, pools: [{servers: [{url: "ws://10.3.0.5:9001"}], loadBalance: {policy: ipHash}}]}
//
// # A connection
//
// Handle checks the client's opening handshake (GET, Connection: upgrade,
// Upgrade: websocket, version 13, a key) and its Origin, chooses a pool
// (the first candidate whose filter matches, else the main pool) and a
// healthy server by the pool's load balancing (roundRobin, random,
// weightedRandom, ipHash, headerHash, cookieHash), and performs the
// handshake with that server, forwarding the client's end-to-end headers
// (Sec-WebSocket-Protocol included, so the server picks the subprotocol)
// with X-Forwarded-For, -Proto and -Host, and Host as the Proxy sends it.
// When the server accepts, the client gets 101 with the server's
// subprotocol and fasthttp hands its connection over (hijack); a session
// then copies messages both ways, frame by frame, so that a large message
// is never held whole. When the server refuses, the client gets the
// server's status and the result is serverError.
//
// The Origin check: a handshake without Origin, or whose Origin host is
// the request's Host, passes; another Origin passes when its host matches
// one of originPatterns (path.Match syntax, case-insensitive);
// insecureSkipVerify skips the check.
//
// # Limits and close
//
// A message longer than clientMaxMsgSize (from the client) or
// serverMaxMsgSize (from the server), 32768 bytes by default and unlimited
// with -1, closes the side that sent it with 1009 (message too big) and
// the other side with 1001. A close frame from one side is passed to the
// other with its code and reason, and the other side's answer is passed
// back, so the closing handshake runs end to end; a side that breaks off
// without a close frame closes the other with 1001. After one direction
// ended the other has 5 seconds to finish.
//
// # Updates and shutdown
//
// A new generation of the filter (a pipeline update) takes the live
// sessions over: an update does not cut connections. When the filter
// closes for good (its pipeline is deleted, the gateway stops) both ends
// of every session get a 1001 close frame.
//
// # Health checks
//
// A pool's healthCheck runs an http probe (the Proxy's probe fields), a ws
// probe (a handshake to port and uri, healthy on status 101 unless match
// says otherwise), or both, which must both pass. Unhealthy servers are
// skipped by load balancing. Upstream TLS certificates (wss) are not
// verified, as with the Proxy without mtls.
//
// # Results
//
// clientError (not a WebSocket handshake: 400, 405 or 426; Origin not
// allowed: 403), internalError (no healthy server: 503; a request that did
// not come from an HTTP server: 500) and serverError (the server could
// not be reached: 503, or refused the handshake: its status; Easegress
// returns it undeclared).
package websocketproxy
