// Package mock provides the Mock filter: it replies from canned rules.
//
//	{name: stub, kind: Mock, rules: [{match: {pathPrefix: /v1/ping}, code: 200, body: pong, delay: 20ms}]}
//
// Rules are tried in order and the first whose match holds writes the
// response of the current namespace (status, headers, body), waits for
// its delay and returns the result "mocked"; when no rule matches the
// filter returns "" and the flow carries on.
//
// A rule matches when its path conditions and its header conditions both
// hold. Path conditions: match.path (exact) or match.pathPrefix; neither
// set means any path. Header conditions: match.headers maps a header name
// to a StringMatcher (exact, prefix, regex, empty); a condition holds when
// any value of the header matches, and an absent header matches only
// {empty: true}. With match.matchAllHeaders every condition must hold,
// otherwise one is enough.
//
// The delay parks the request's goroutine on a pooled timer, so it costs
// no CPU. It ends early when the fasthttp server that received the request
// shuts down; fasthttp gives no cheap way to see a client disconnect
// while the handler runs, so a client that goes away is noticed only when
// the reply is written. Delays are bounded by MaxDelay.
//
// Matching a rule and writing its reply do not allocate: paths, header
// names and values and bodies are prepared as []byte when the filter is
// created.
package mock
