// Package protocols holds the protocol-neutral view of a request and a
// response. Filters that work on any protocol use these interfaces; filters
// that need HTTP specifics use protocols/httpprot directly, which satisfies
// them without allocation.
package protocols

// Header is a protocol-neutral, case-insensitive multimap of header fields.
type Header interface {
	// Get returns the first value of key, or "".
	Get(key string) string
	// Set replaces every value of key.
	Set(key, value string)
	// Add appends a value to key.
	Add(key, value string)
	// Del removes key.
	Del(key string)
}

// Request is a protocol-neutral request.
type Request interface {
	// Headers returns the request header.
	Headers() Header
	// RealIP is the client address after trusted proxy headers.
	RealIP() string
	// Close releases what the request holds; it is called when the request
	// context is returned to its pool.
	Close()
}

// Response is a protocol-neutral response.
type Response interface {
	// Headers returns the response header.
	Headers() Header
	// StatusCode returns the status code.
	StatusCode() int
	// SetStatusCode sets the status code.
	SetStatusCode(code int)
	// Close releases what the response holds.
	Close()
}
