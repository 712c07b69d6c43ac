package globalfilter

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
)

const gfDoc = `
kind: GlobalFilter
name: g
beforePipeline:
  flow: [{filter: b1, jumpIf: {stop: END}}, {filter: b2}]
  filters: [{name: b1, kind: Tag, result: %s}, {name: b2, kind: Tag}]
afterPipeline:
  filters: [{name: a1, kind: Tag}]
fallthrough: {beforePipeline: %t, pipeline: %t}
`

const pipelineDoc = `
kind: Pipeline
name: p
flow: [{filter: p1, jumpIf: {stop: END}}, {filter: p2}]
filters: [{name: p1, kind: Tag, result: %s}, {name: p2, kind: Tag}]
`

func sprintf(format string, args ...any) string {
	s := format
	for _, a := range args {
		var v string
		switch x := a.(type) {
		case bool:
			if x {
				v = "true"
			} else {
				v = "false"
			}
		case string:
			v = x
			if v == "" {
				v = `""`
			}
		}
		i := strings.Index(s, "%")
		s = s[:i] + v + s[i+2:]
	}
	return s
}

func TestFlowsAndFallthrough(t *testing.T) {
	reg := testRegistry()
	cases := []struct {
		name                string
		beforeResult        string
		pipelineResult      string
		ftBefore, ftPipe    bool
		wantTrail, wantLast string
	}{
		{"all run", "", "", false, false, "b1,b2,p1,p2,a1", ""},
		{"before ends early", "stop", "", false, false, "b1", "stop"},
		{"before ends early, fallthrough", "stop", "", true, false, "b1,p1,p2,a1", ""},
		{"pipeline ends early", "", "stop", false, false, "b1,b2,p1", "stop"},
		{"pipeline ends early, fallthrough", "", "stop", false, true, "b1,b2,p1,a1", ""},
		{"both end early, both fall through", "stop", "stop", true, true, "b1,p1,a1", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := start(t, reg, sprintf(gfDoc, c.beforeResult, c.ftBefore, c.ftPipe)).(*GlobalFilter)
			p := start(t, reg, sprintf(pipelineDoc, c.pipelineResult)).(*pipeline.Pipeline)
			result, got := trail(g, p)
			if got != c.wantTrail || result != c.wantLast {
				t.Fatalf("trail %q result %q, want %q %q", got, result, c.wantTrail, c.wantLast)
			}
		})
	}
}

func TestOnlyOneFlow(t *testing.T) {
	reg := testRegistry()
	before := start(t, reg, `
kind: GlobalFilter
name: g
beforePipeline: {filters: [{name: b, kind: Tag}]}`).(*GlobalFilter)
	p := start(t, reg, sprintf(pipelineDoc, "")).(*pipeline.Pipeline)
	if _, got := trail(before, p); got != "b,p1,p2" {
		t.Fatalf("trail %q", got)
	}
	after := start(t, reg, `
kind: GlobalFilter
name: g
afterPipeline: {filters: [{name: a, kind: Tag}]}`).(*GlobalFilter)
	if _, got := trail(after, p); got != "p1,p2,a" {
		t.Fatalf("trail %q", got)
	}
	if _, got := trail(after, nil); got != "a" {
		t.Fatalf("without a pipeline: trail %q", got)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	reg := testRegistry()
	ent, _ := reg.Lookup(registry.ObjectClass, KindName)
	fields := `{"beforePipeline": {"flow": [{"filter": "b"}], "filters": [{"name": "b", "kind": "Tag", "result": "stop"}], "data": {"k": "v"}},
		"afterPipeline": {"filters": [{"name": "a", "kind": "Tag"}]}, "fallthrough": {"beforePipeline": true, "pipeline": true}}`
	body, err := ent.DecodeSpec([]byte(fields))
	if err != nil {
		t.Fatal(err)
	}
	s := body.(*Spec)
	if !s.Fallthrough.BeforePipeline || !s.Fallthrough.Pipeline || len(s.BeforePipeline.Filters) != 1 || s.AfterPipeline == nil {
		t.Fatalf("decoded %+v", s)
	}
	js, _ := json.Marshal(s)
	again, err := ent.DecodeSpec(js)
	if err != nil {
		t.Fatalf("re-decoding %s: %v", js, err)
	}
	if !reflect.DeepEqual(s, again) {
		t.Fatalf("round trip changed the spec: %s", js)
	}
}

func TestSpecInvalid(t *testing.T) {
	reg := testRegistry()
	for _, tc := range []struct{ name, doc, want string }{
		{"no flow", "kind: GlobalFilter\nname: g\nfallthrough: {pipeline: true}", "at least one of beforePipeline and afterPipeline is required"},
		{"unknown fallthrough field", "kind: GlobalFilter\nname: g\nbeforePipeline: {filters: [{name: b, kind: Tag}]}\nfallthrough: {after: true}", `fallthrough: unknown field "after"`},
		{"flow without filters", "kind: GlobalFilter\nname: g\nbeforePipeline: {flow: []}", `beforePipeline: required field "filters" is missing`},
		{"unknown filter kind", "kind: GlobalFilter\nname: g\nafterPipeline: {filters: [{name: a, kind: Nope}]}", `afterPipeline: filters[0] "a": unknown filter kind "Nope"`},
		{"undeclared result", "kind: GlobalFilter\nname: g\nbeforePipeline: {flow: [{filter: b, jumpIf: {nope: END}}], filters: [{name: b, kind: Tag}]}", `beforePipeline: flow[0].jumpIf["nope"]`},
		{"bad filter field", "kind: GlobalFilter\nname: g\nbeforePipeline: {filters: [{name: b, kind: Tag, reslt: x}]}", `beforePipeline: filters[0] "b": unknown field "reslt"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build(t, reg, tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestInheritHandsFiltersOver(t *testing.T) {
	reg := testRegistry()
	doc := "kind: GlobalFilter\nname: g\nbeforePipeline: {filters: [{name: b, kind: Tag}]}\nafterPipeline: {filters: [{name: a, kind: Tag}]}"
	old := start(t, reg, doc).(*GlobalFilter)
	obj, err := build(t, reg, doc)
	if err != nil {
		t.Fatal(err)
	}
	next := obj.(*GlobalFilter)
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = next.Close() })
	oldB, _ := old.before.Filter("b")
	newB, _ := next.before.Filter("b")
	newA, _ := next.after.Filter("a")
	oldA, _ := old.after.Filter("a")
	if newB.(*tag).inherited != oldB || newA.(*tag).inherited != oldA {
		t.Fatal("filters were not handed over")
	}
	if !old.Acquire() {
		t.Fatal("acquire on a live generation failed")
	}
	old.Release()
	_ = old.Close()
	if old.Acquire() {
		t.Fatal("a closed generation admits requests")
	}
	if !oldB.(*tag).closed {
		t.Fatal("old filters not closed")
	}
	st := next.Status().(Status)
	if len(st.BeforePipeline) != 1 || st.BeforePipeline[0].Kind != "Tag" || len(st.AfterPipeline) != 1 {
		t.Fatalf("status %+v", st)
	}
}
