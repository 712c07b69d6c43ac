package httpserver

import (
	"sync/atomic"

	"github.com/gatewright/gatewright/internal/telemetry"
	"github.com/prometheus/client_golang/prometheus"
)

// serverMetrics are the counters of one listener; every update is an
// atomic add, with no lock and no lookup on the request path.
type serverMetrics struct {
	// byClass counts responses by status class: [1] 1xx ... [5] 5xx, [0]
	// anything else.
	byClass  [6]atomic.Uint64
	inflight atomic.Int64
	rxBytes  atomic.Uint64
	txBytes  atomic.Uint64
	latency  telemetry.Histogram
	// logDropped counts access log lines dropped because the writer fell
	// behind.
	logDropped atomic.Uint64
}

// codeClasses are the label values of byClass.
func codeClasses() [6]string { return [6]string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"} }

// Describe implements prometheus.Collector; it describes nothing (an
// unchecked collector: the server's name labels its metrics).
func (s *Server) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector: requests by status class, in
// flight, request and response bytes, latency and dropped access log
// lines of the listener this generation owns. The counters live with the
// listener, so they survive updates that keep it. The inline pools add
// the metrics of a pipeline named <server>/rules[i].paths[j] with its
// Proxy filter backendPool.
func (s *Server) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	rt, inline := s.rt, s.inline
	s.mu.Unlock()
	for _, b := range inline {
		b.pipe.Collect(ch)
	}
	if rt == nil {
		return
	}
	m := &rt.ops.metrics
	name := s.spec.Name
	labels := []string{"server"}
	requests := prometheus.NewDesc("gatewright_http_server_requests_total", "Requests answered, by status class.", []string{"server", "code"}, nil)
	classes := codeClasses()
	for i := range m.byClass {
		if n := m.byClass[i].Load(); n > 0 || i == 2 {
			ch <- prometheus.MustNewConstMetric(requests, prometheus.CounterValue, float64(n), name, classes[i])
		}
	}
	ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("gatewright_http_server_requests_in_flight", "Requests being handled now.", labels, nil),
		prometheus.GaugeValue, float64(m.inflight.Load()), name)
	ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("gatewright_http_server_request_bytes_total", "Request bytes received: header and body.", labels, nil),
		prometheus.CounterValue, float64(m.rxBytes.Load()), name)
	ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("gatewright_http_server_response_bytes_total", "Response body bytes sent.", labels, nil),
		prometheus.CounterValue, float64(m.txBytes.Load()), name)
	ch <- m.latency.Metric(prometheus.NewDesc("gatewright_http_server_request_duration_seconds", "Time from reading a request to its response.", labels, nil), name)
	ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("gatewright_http_server_access_log_dropped_total", "Access log lines dropped because the log writer fell behind.", labels, nil),
		prometheus.CounterValue, float64(m.logDropped.Load()), name)
	ch <- prometheus.MustNewConstMetric(prometheus.NewDesc("gatewright_http_server_connections", "Open client connections.", labels, nil),
		prometheus.GaugeValue, float64(rt.ln.openConns()), name)
}
