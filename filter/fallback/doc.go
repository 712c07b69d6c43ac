// Package fallback provides the Fallback filter: it overwrites the
// response of the current namespace with a fixed one. It is typically the
// jumpIf target of a filter that failed, such as a Proxy whose upstream is
// down.
//
//	{name: degrade, kind: Fallback, mockCode: 503, mockHeaders: {Retry-After: "30"}, mockBody: '{"error":"unavailable"}'}
//
// The status becomes mockCode, each of mockHeaders is set (replacing a
// header of the same name) and the body becomes mockBody (empty when not
// given); a body stream is closed, and Content-Encoding is dropped unless
// mockHeaders sets it, since the new body is not encoded. Other headers of
// the old response stay. The filter returns "fallback". When the
// namespace has no response yet it changes nothing and returns
// "responseNotFound".
//
// Overwriting allocates nothing: the reply is prepared as bytes when the
// filter is created.
package fallback
