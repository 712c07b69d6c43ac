package pipeline_test

import (
	"github.com/gatewright/gatewright/pipeline"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/valyala/fasthttp"
)

// gather collects a pipeline's metrics by name and label values: counter
// and gauge values, histogram sample counts.
func gather(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	return gatherWith(t, c, metricValue)
}

// gatherWith collects a pipeline's metrics by name and label values, each
// turned into a number by value.
func gatherWith(t *testing.T, c prometheus.Collector, value func(*dto.Metric) float64) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, lp := range m.GetLabel() {
				key += "|" + lp.GetValue()
			}
			out[key] = value(m)
		}
	}
	return out
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return m.GetGauge().GetValue()
}

const countedDoc = `
kind: Pipeline
name: counted
flow: [{filter: a, jumpIf: {hit: c}}, {filter: b}, {filter: c}]
filters: [{name: a, kind: Step, result: hit}, {name: b, kind: Step}, {name: c, kind: Step, result: miss}]`

// initPipeline builds the pipeline of doc and initialises it.
func initPipeline(t *testing.T, doc string) *pipeline.Pipeline {
	t.Helper()
	p, err := build(t, testRegistry(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Init(); err != nil {
		t.Fatal(err)
	}
	return p
}

// handleDetached runs n detached requests through p, one after the other.
func handleDetached(p *pipeline.Pipeline, n int) {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	ctx := filter.NewContext()
	for range n {
		ctx.ResetDetached(req, []byte("127.0.0.1"), time.Now())
		p.Handle(ctx)
		ctx.Finish()
	}
}

func TestMetricsCountFiltersAndRuns(t *testing.T) {
	p := initPipeline(t, countedDoc)
	handleDetached(p, 3)
	got := gather(t, p)
	want := map[string]float64{
		"gatewright_filter_executions_total|a|Step|counted|hit":  3,
		"gatewright_filter_executions_total|b|Step|counted|ok":   0, // jumped over
		"gatewright_filter_executions_total|c|Step|counted|miss": 3,
		"gatewright_filter_duration_seconds|a|Step|counted":      3,
		"gatewright_pipeline_requests_total|counted|miss":        3,
		"gatewright_pipeline_requests_total|counted|ok":          0,
		"gatewright_pipeline_request_duration_seconds|counted":   3,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	// A new generation takes the history over.
	next, err := build(t, testRegistry(), countedDoc)
	if err != nil {
		t.Fatal(err)
	}
	if err := next.Inherit(p); err != nil {
		t.Fatal(err)
	}
	handleDetached(next, 1)
	if got := gather(t, next); got["gatewright_filter_executions_total|a|Step|counted|hit"] != 4 || got["gatewright_pipeline_requests_total|counted|miss"] != 4 {
		t.Fatalf("after inherit: %v", got)
	}
}

// TestDurationsBelongToTheirFilter checks that each filter's duration is
// its own, although one filter's end is read as the next one's start, and
// that the pipeline's duration covers them all.
func TestDurationsBelongToTheirFilter(t *testing.T) {
	p := initPipeline(t, `
kind: Pipeline
name: timed
filters: [{name: fast, kind: Step}, {name: slow, kind: Step, sleepMs: 40}, {name: last, kind: Step}]`)
	handleDetached(p, 1)

	sums := gatherWith(t, p, func(m *dto.Metric) float64 { return m.GetHistogram().GetSampleSum() })
	slow := sums["gatewright_filter_duration_seconds|slow|Step|timed"]
	fast := sums["gatewright_filter_duration_seconds|fast|Step|timed"]
	last := sums["gatewright_filter_duration_seconds|last|Step|timed"]
	total := sums["gatewright_pipeline_request_duration_seconds|timed"]
	if slow < 0.040 || fast >= 0.040 || last >= 0.040 {
		t.Fatalf("filter durations fast %v, slow %v, last %v: want only slow at 40ms or more (all: %v)", fast, slow, last, sums)
	}
	// The filters' durations partition the pipeline's, so the two are
	// equal to the nanosecond; the sums are floats in seconds, hence the
	// nanosecond of slack.
	if total < fast+slow+last-1e-9 {
		t.Fatalf("pipeline duration %v is less than its filters' %v", total, fast+slow+last)
	}
}
