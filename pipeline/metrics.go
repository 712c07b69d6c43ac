package pipeline

import (
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/internal/telemetry"
	"github.com/prometheus/client_golang/prometheus"
)

// resultOK is the label value of the empty result ("carry on").
const resultOK = "ok"

// resultOther is the label value of results a kind does not declare.
const resultOther = "other"

// flowStats are the metrics of one compiled flow: the runs of the whole
// flow and of each filter. Every count is an atomic add on a counter
// resolved when the flow was compiled: no lock, no map, no allocation per
// request.
type flowStats struct {
	owner   string
	runs    resultCounts
	latency telemetry.Histogram
	// filters is in declaration order.
	filters []*filterStats
}

// filterStats are the metrics of one filter of a flow.
type filterStats struct {
	name, kind string
	spanName   string
	counts     resultCounts
	latency    telemetry.Histogram
}

// resultCounts counts results: counts[0] is "", counts[i+1] results[i],
// the last any other result.
type resultCounts struct {
	results []string
	counts  []atomic.Uint64
}

func newResultCounts(results []string) resultCounts {
	return resultCounts{results: results, counts: make([]atomic.Uint64, len(results)+2)}
}

// add counts one result.
func (rc *resultCounts) add(result string) {
	if result == "" {
		rc.counts[0].Add(1)
		return
	}
	for i, r := range rc.results {
		if r == result {
			rc.counts[i+1].Add(1)
			return
		}
	}
	rc.counts[len(rc.counts)-1].Add(1)
}

// each calls fn with every result label and its count.
func (rc *resultCounts) each(fn func(label string, n uint64)) {
	fn(resultOK, rc.counts[0].Load())
	for i, r := range rc.results {
		fn(r, rc.counts[i+1].Load())
	}
	if n := rc.counts[len(rc.counts)-1].Load(); n > 0 {
		fn(resultOther, n)
	}
}

// merge adds the counts of from for the results both know.
func (rc *resultCounts) merge(from *resultCounts) {
	rc.counts[0].Add(from.counts[0].Load())
	for j, fr := range from.results {
		for i, r := range rc.results {
			if r == fr {
				rc.counts[i+1].Add(from.counts[j+1].Load())
			}
		}
	}
}

// instrument gives the plan and each node their metrics.
func (f *flowPlan) instrument(owner string) {
	st := &flowStats{owner: owner}
	byName := map[string]*filterStats{}
	var all []string
	seen := map[string]bool{}
	for _, flt := range f.filters {
		fs := &filterStats{
			name:     flt.Name(),
			kind:     flt.Kind().Name,
			spanName: owner + "/" + flt.Name(),
			counts:   newResultCounts(flt.Kind().Results),
		}
		st.filters = append(st.filters, fs)
		byName[fs.name] = fs
		for _, r := range flt.Kind().Results {
			if !seen[r] {
				seen[r] = true
				all = append(all, r)
			}
		}
	}
	st.runs = newResultCounts(all)
	for i := range f.nodes {
		if n := &f.nodes[i]; n.filter != nil {
			n.stats = byName[n.filter.Name()]
		}
	}
	f.stats = st
}

// observe counts a run of the flow that started at start and ended at end.
func (st *flowStats) observe(result string, start, end time.Time) {
	if st == nil {
		return
	}
	st.runs.add(result)
	st.latency.Observe(end.Sub(start))
}

// inherit takes over the history of the previous generation's metrics,
// filter by filter of the same name and kind, so counters do not restart
// at a configuration update.
func (st *flowStats) inherit(prev *flowStats) {
	if st == nil || prev == nil {
		return
	}
	st.runs.merge(&prev.runs)
	st.latency.Merge(&prev.latency)
	for _, fs := range st.filters {
		for _, old := range prev.filters {
			if old.name == fs.name && old.kind == fs.kind {
				fs.counts.merge(&old.counts)
				fs.latency.Merge(&old.latency)
			}
		}
	}
}

// handle runs the node's filter, counting it and, when the request is
// traced, in a span of its own. start is when the filter is taken to
// start; handle returns the result and when the filter returned (start
// again when the node is not counted).
func (n *node) handle(ctx *filter.Context, start time.Time) (string, time.Time) {
	st := n.stats
	if st == nil {
		return n.filter.Handle(ctx), start
	}
	if parent := ctx.Span(); parent != nil && parent.IsRecording() {
		return n.handleTraced(ctx, parent)
	}
	result := n.filter.Handle(ctx)
	end := time.Now()
	st.counts.add(result)
	st.latency.Observe(end.Sub(start))
	return result, end
}

// collect sends the flow's metrics.
func (st *flowStats) collect(ch chan<- prometheus.Metric) {
	if st == nil {
		return
	}
	pipelineLabels := []string{"pipeline"}
	filterLabels := []string{"pipeline", "filter", "kind"}
	runs := prometheus.NewDesc("gatewright_pipeline_requests_total", "Requests run through a pipeline, by the flow's last result (ok for none).", append(pipelineLabels, "result"), nil)
	lat := prometheus.NewDesc("gatewright_pipeline_request_duration_seconds", "Time a pipeline took per request.", pipelineLabels, nil)
	st.runs.each(func(label string, n uint64) {
		ch <- prometheus.MustNewConstMetric(runs, prometheus.CounterValue, float64(n), st.owner, label)
	})
	ch <- st.latency.Metric(lat, st.owner)
	execs := prometheus.NewDesc("gatewright_filter_executions_total", "Filter executions, by result (ok for none).", append(filterLabels, "result"), nil)
	flat := prometheus.NewDesc("gatewright_filter_duration_seconds", "Time a filter took per execution.", filterLabels, nil)
	for _, fs := range st.filters {
		fs.counts.each(func(label string, n uint64) {
			ch <- prometheus.MustNewConstMetric(execs, prometheus.CounterValue, float64(n), st.owner, fs.name, fs.kind, label)
		})
		ch <- fs.latency.Metric(flat, st.owner, fs.name, fs.kind)
	}
}

// Describe implements prometheus.Collector; it describes nothing, as the
// set of metrics follows the configuration (an unchecked collector).
func (p *Pipeline) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector: the pipeline's and its
// filters' metrics, and those of filters that collect their own.
func (p *Pipeline) Collect(ch chan<- prometheus.Metric) {
	p.plan.stats.collect(ch)
	for _, f := range p.plan.filters {
		if c, ok := f.(prometheus.Collector); ok {
			c.Collect(ch)
		}
	}
}
