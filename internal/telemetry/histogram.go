package telemetry

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Bounds are the upper bounds, in seconds, of the latency buckets.
var bounds = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// boundsNanos are the bounds in nanoseconds, for comparing durations.
var boundsNanos = func() (b [len(bounds)]int64) {
	for i, s := range bounds {
		b[i] = int64(s * 1e9)
	}
	return b
}()

// Histogram is a latency histogram with fixed buckets, updated with
// atomic adds only: Observe takes no lock and does not allocate. The zero
// value is ready.
type Histogram struct {
	counts [len(bounds) + 1]atomic.Uint64 // the last bucket is +Inf
	count  atomic.Uint64
	sumNs  atomic.Uint64
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	ns := int64(d)
	if ns < 0 {
		ns = 0
	}
	i := 0
	for i < len(boundsNanos) && ns > boundsNanos[i] {
		i++
	}
	h.counts[i].Add(1)
	h.count.Add(1)
	h.sumNs.Add(uint64(ns))
}

// Count returns the number of observations.
func (h *Histogram) Count() uint64 { return h.count.Load() }

// Merge adds the observations of from, for a new generation that takes
// over an old one's history.
func (h *Histogram) Merge(from *Histogram) {
	if from == nil || from == h {
		return
	}
	for i := range h.counts {
		h.counts[i].Add(from.counts[i].Load())
	}
	h.count.Add(from.count.Load())
	h.sumNs.Add(from.sumNs.Load())
}

// Metric returns the histogram as a Prometheus metric of desc.
func (h *Histogram) Metric(desc *prometheus.Desc, labelValues ...string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(bounds))
	var cum uint64
	for i, b := range bounds {
		cum += h.counts[i].Load()
		buckets[b] = cum
	}
	count := cum + h.counts[len(bounds)].Load()
	return prometheus.MustNewConstHistogram(desc, count, float64(h.sumNs.Load())/1e9, buckets, labelValues...)
}
