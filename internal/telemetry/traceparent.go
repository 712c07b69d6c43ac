package telemetry

import (
	"encoding/hex"

	"go.opentelemetry.io/otel/trace"
)

// TraceparentHeader is the W3C trace context header.
const TraceparentHeader = "traceparent"

// traceparentLen is the length of a version-00 traceparent value.
const traceparentLen = 55

// ParseTraceparent reads a W3C traceparent value (version 00, or a later
// version's first four fields) into a remote span context. It does not
// allocate.
func ParseTraceparent(v []byte) (trace.SpanContext, bool) {
	if len(v) < traceparentLen || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return trace.SpanContext{}, false
	}
	if len(v) > traceparentLen && (v[0] == '0' && v[1] == '0' || v[traceparentLen] != '-') {
		return trace.SpanContext{}, false
	}
	var ver [1]byte
	if _, err := hex.Decode(ver[:], v[0:2]); err != nil || ver[0] == 0xff {
		return trace.SpanContext{}, false
	}
	var tid trace.TraceID
	var sid trace.SpanID
	var flags [1]byte
	if !decodeLower(tid[:], v[3:35]) || !decodeLower(sid[:], v[36:52]) || !decodeLower(flags[:], v[53:55]) {
		return trace.SpanContext{}, false
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    tid,
		SpanID:     sid,
		TraceFlags: trace.TraceFlags(flags[0]) & trace.FlagsSampled,
		Remote:     true,
	})
	return sc, sc.IsValid()
}

// decodeLower decodes lower-case hex only, as the spec requires.
func decodeLower(dst, src []byte) bool {
	for _, c := range src {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	_, err := hex.Decode(dst, src)
	return err == nil
}

// AppendTraceparent appends the version-00 traceparent value of sc.
func AppendTraceparent(dst []byte, sc trace.SpanContext) []byte {
	tid, sid := sc.TraceID(), sc.SpanID()
	dst = append(dst, "00-"...)
	dst = hex.AppendEncode(dst, tid[:])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, sid[:])
	dst = append(dst, '-')
	return hex.AppendEncode(dst, []byte{byte(sc.TraceFlags())})
}
