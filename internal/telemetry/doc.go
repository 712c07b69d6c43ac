// Package telemetry holds the request-path helpers of gatewright's metrics
// and tracing: a lock-free latency histogram that turns into a Prometheus
// metric at scrape time, allocation-free W3C traceparent parsing and
// formatting, and a carrier that lets OpenTelemetry propagators (B3) read
// and write fasthttp request headers. It is not API.
package telemetry
