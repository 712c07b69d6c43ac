// Package telemetry holds the request-path helpers of gatewright's metrics
// and tracing: a lock-free latency histogram that turns into a Prometheus
// metric at scrape time, and allocation-free W3C traceparent parsing and
// formatting. It is not API.
package telemetry
