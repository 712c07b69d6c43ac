package httpserver

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"reflect"

	"github.com/gatewright/gatewright/registry"
)

// jaegerRefusal explains why exporter.jaeger is refused and what to use.
const jaegerRefusal = "the Jaeger exporter was removed from OpenTelemetry and gatewright does not support it; " +
	"Jaeger accepts OTLP: use exporter.otlp pointed at Jaeger's OTLP port " +
	"(protocol: http, endpoint: http://JAEGER_HOST:4318; or protocol: grpc, endpoint: JAEGER_HOST:4317)"

// checkTracing checks a tracing spec; p is its field path. It reports
// what the schema cannot (one exporter form, tags or attributes, the
// refused Jaeger exporter, endpoint syntax) and repeats the schema's
// range checks for specs built in Go.
func checkTracing(t *TracingSpec, p string) registry.FieldErrors {
	if t == nil {
		return nil
	}
	var errs registry.FieldErrors
	fail := func(path, format string, args ...any) {
		errs = append(errs, registry.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	if t.ServiceName == "" {
		fail(p+".serviceName", "required")
	}
	if t.Tags != nil && t.Attributes != nil {
		fail(p+".tags", "deprecated alias of attributes; give attributes or tags, not both")
	}
	if t.SampleRate != nil && !rateOK(*t.SampleRate) {
		fail(p+".sampleRate", "must be between 0 and 1, got %v", *t.SampleRate)
	}
	switch t.HeaderFormat {
	case "", HeaderFormatTraceContext, HeaderFormatB3:
	default:
		fail(p+".headerFormat", "must be %s or %s, got %q", HeaderFormatTraceContext, HeaderFormatB3, t.HeaderFormat)
	}
	if l := t.SpanLimits; l != nil {
		checkNotBelow(l, p+".spanLimits", -1, fail)
	}
	if b := t.BatchLimits; b != nil {
		checkNotBelow(b, p+".batchLimits", 0, fail)
	}
	switch {
	case t.Exporter == nil && t.Zipkin == nil:
		fail(p, "needs an exporter: exporter.otlp or exporter.zipkin")
	case t.Exporter != nil && t.Zipkin != nil:
		fail(p+".zipkin", "deprecated form of exporter.zipkin; give exporter or zipkin, not both")
	case t.Exporter != nil:
		checkExporter(t.Exporter, p+".exporter", fail)
	default:
		z := t.Zipkin
		if err := checkCollectorURL(z.ServerURL); err != nil {
			fail(p+".zipkin.serverURL", "%v", err)
		}
		if !rateOK(z.SampleRate) {
			fail(p+".zipkin.sampleRate", "must be between 0 and 1, got %v", z.SampleRate)
		}
	}
	return errs
}

// checkExporter checks tracing.exporter; p is its field path.
func checkExporter(e *ExporterSpec, p string, fail func(path, format string, args ...any)) {
	if e.Jaeger == nil && e.Zipkin == nil && e.OTLP == nil {
		fail(p, "needs otlp or zipkin")
	}
	if e.Jaeger != nil {
		fail(p+".jaeger", jaegerRefusal)
	}
	if z := e.Zipkin; z != nil {
		if err := checkCollectorURL(z.Endpoint); err != nil {
			fail(p+".zipkin.endpoint", "%v", err)
		}
		checkHeaderNames(z.Headers, p+".zipkin.headers", fail)
	}
	if o := e.OTLP; o != nil {
		op := p + ".otlp"
		switch o.Protocol {
		case OTLPProtocolHTTP, OTLPProtocolGRPC:
		case "":
			fail(op+".protocol", "required: http or grpc")
		default:
			fail(op+".protocol", "must be http or grpc, got %q", o.Protocol)
		}
		if o.Endpoint == "" {
			fail(op+".endpoint", "required: host:port or a URL")
		} else if err := checkOTLPEndpoint(o.Endpoint); err != nil {
			fail(op+".endpoint", "%v", err)
		}
		if o.Compression != "" && o.Compression != "gzip" {
			fail(op+".compression", "must be gzip or absent, got %q", o.Compression)
		}
		checkHeaderNames(o.Headers, op+".headers", fail)
	}
}

// rateOK tells whether a sample rate is between 0 and 1.
func rateOK(r float64) bool { return !math.IsNaN(r) && r >= 0 && r <= 1 }

// checkNotBelow reports every int or *int field of the struct *v that is
// below floor, by its JSON name.
func checkNotBelow(v any, p string, floor int, fail func(path, format string, args ...any)) {
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rv.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		if f.Kind() == reflect.Int && f.Int() < int64(floor) {
			fail(p+"."+jsonName(rt.Field(i)), "must be >= %d", floor)
		}
	}
}

// jsonName is a struct field's name in documents.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	for i := range len(tag) {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	if tag == "" {
		return f.Name
	}
	return tag
}

// checkCollectorURL checks an http or https URL with a host.
func checkCollectorURL(v string) error {
	if v == "" {
		return fmt.Errorf("required: an http or https URL")
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http or https URL with a host", v)
	}
	return nil
}

// checkOTLPEndpoint checks host:port or an http(s) URL.
func checkOTLPEndpoint(v string) error {
	if hasScheme(v) {
		return checkCollectorURL(v)
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil || host == "" || port == "" {
		return fmt.Errorf("%q is neither host:port nor an http or https URL", v)
	}
	return nil
}

// hasScheme tells whether v starts with a URL scheme.
func hasScheme(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// checkHeaderNames checks the names of exporter headers.
func checkHeaderNames(h map[string]string, p string, fail func(path, format string, args ...any)) {
	for name := range h {
		if !validHeaderName(name) {
			fail(p, "%q is not a valid header name", name)
		}
	}
}
