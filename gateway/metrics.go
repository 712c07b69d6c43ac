package gateway

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// newMetricsRegistry returns the registry of a gateway: Go runtime and
// process metrics, the store's, and those of every running object that
// exports metrics (it implements prometheus.Collector).
func newMetricsRegistry(g *Gateway) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newStoreCollector(g),
		objectsCollector{g},
	)
	return reg
}

// objectsCollector collects the metrics of the running objects at scrape
// time; the objects keep their own counters, so the request path only
// touches atomic counters the object already holds.
type objectsCollector struct{ g *Gateway }

// Describe sends nothing: the set of objects changes at run time (an
// unchecked collector).
func (objectsCollector) Describe(chan<- *prometheus.Desc) {}

// Collect asks every running object that is a prometheus.Collector.
func (c objectsCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.g.sup.Status() {
		obj, ok := c.g.sup.Object(st.Name)
		if !ok {
			continue
		}
		if col, ok := obj.(prometheus.Collector); ok {
			col.Collect(ch)
		}
	}
}

// storeCollector reports the store and the supervisor.
type storeCollector struct {
	g        *Gateway
	revision *prometheus.Desc
	applied  *prometheus.Desc
	leader   *prometheus.Desc
	objects  *prometheus.Desc
	failed   *prometheus.Desc
}

func newStoreCollector(g *Gateway) *storeCollector {
	node := prometheus.Labels{"node": g.cfg.name}
	return &storeCollector{
		g:        g,
		revision: prometheus.NewDesc("gatewright_store_revision", "Store revision of this node's replica.", nil, node),
		applied:  prometheus.NewDesc("gatewright_supervisor_applied_revision", "Store revision up to which the supervisor applied changes.", nil, node),
		leader:   prometheus.NewDesc("gatewright_store_leader", "1 when this node is the raft leader of the store.", nil, node),
		objects:  prometheus.NewDesc("gatewright_objects", "Objects known to the supervisor, by kind and whether they run.", []string{"kind", "running"}, node),
		failed:   prometheus.NewDesc("gatewright_objects_refused_updates", "Objects whose newest stored spec was refused (the previous generation serves).", nil, node),
	}
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.revision
	ch <- c.applied
	ch <- c.leader
	ch <- c.objects
	ch <- c.failed
}

// Collect implements prometheus.Collector.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.revision, prometheus.GaugeValue, float64(c.g.store.Revision()))
	ch <- prometheus.MustNewConstMetric(c.applied, prometheus.GaugeValue, float64(c.g.sup.Applied()))
	leader := 0.0
	if c.g.store.IsLeader() {
		leader = 1
	}
	ch <- prometheus.MustNewConstMetric(c.leader, prometheus.GaugeValue, leader)
	type key struct {
		kind    string
		running bool
	}
	counts := map[key]int{}
	failed := 0
	for _, st := range c.g.sup.Status() {
		counts[key{st.Kind, st.Running}]++
		if st.Error != "" {
			failed++
		}
	}
	for k, n := range counts {
		running := "false"
		if k.running {
			running = "true"
		}
		ch <- prometheus.MustNewConstMetric(c.objects, prometheus.GaugeValue, float64(n), k.kind, running)
	}
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(failed))
}
