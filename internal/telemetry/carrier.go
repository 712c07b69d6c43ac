package telemetry

import (
	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/propagation"
)

// RequestHeaderCarrier lets an OpenTelemetry propagator read and write the
// headers of a fasthttp request (B3 extraction on the way in, injection
// toward upstreams). It is a single pointer, so passing it as a
// propagation.TextMapCarrier does not allocate; the propagator itself may.
type RequestHeaderCarrier struct {
	// Header is the request header read or written.
	Header *fasthttp.RequestHeader
}

var _ propagation.TextMapCarrier = RequestHeaderCarrier{}

// Get returns the first value of key, or "".
func (c RequestHeaderCarrier) Get(key string) string {
	return string(c.Header.Peek(key))
}

// Set replaces the values of key with value.
func (c RequestHeaderCarrier) Set(key, value string) {
	c.Header.Set(key, value)
}

// Keys lists the header names.
func (c RequestHeaderCarrier) Keys() []string {
	var keys []string
	for k := range c.Header.All() {
		keys = append(keys, string(k))
	}
	return keys
}
