package proxy

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/policy/circuitbreaker"
	"github.com/gatewright/gatewright/filter/policy/retry"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

// policyTable is a filter.PolicyLookup over real policies.
type policyTable map[string]filter.Policy

// Policy implements filter.PolicyLookup.
func (p policyTable) Policy(name string) (filter.Policy, bool) {
	pol, ok := p[name]
	return pol, ok
}

// realPolicies decodes policy documents ({"name": ..., "kind": ...,
// fields}) as a pipeline's resilience list and creates them.
func realPolicies(t testing.TB, docs ...string) policyTable {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.PolicyClass, retry.Kind)
	reg.Register(registry.PolicyClass, circuitbreaker.Kind)
	out := policyTable{}
	for _, doc := range docs {
		var fields map[string]any
		if err := json.Unmarshal([]byte(doc), &fields); err != nil {
			t.Fatal(err)
		}
		name, kind := fields["name"].(string), fields["kind"].(string)
		delete(fields, "name")
		delete(fields, "kind")
		raw, _ := json.Marshal(fields)
		ent, err := reg.Lookup(registry.PolicyClass, kind)
		if err != nil {
			t.Fatal(err)
		}
		body, err := ent.DecodeSpec(raw)
		if err != nil {
			t.Fatalf("policy %s: %v", doc, err)
		}
		pol, err := ent.Kind.(*filter.PolicyKind).New(name, body)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = pol
	}
	return out
}

// startProxyWith decodes doc and starts a Proxy whose pipeline declares
// policies; it is closed at cleanup.
func startProxyWith(t testing.TB, doc string, policies filter.PolicyLookup) *Proxy {
	t.Helper()
	p := newFilter(t, doc, policies)
	if err := p.Init(); err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// buildPipeline decodes and creates (without starting) a Pipeline whose
// registry holds the Proxy and both policy kinds.
func buildPipeline(t *testing.T, fields string) (*pipeline.Pipeline, error) {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.FilterClass, Kind)
	reg.Register(registry.PolicyClass, retry.Kind)
	reg.Register(registry.PolicyClass, circuitbreaker.Kind)
	ent, err := reg.Lookup(registry.ObjectClass, pipeline.KindName)
	if err != nil {
		t.Fatal(err)
	}
	body, err := ent.DecodeSpec([]byte(fields))
	if err != nil {
		return nil, err
	}
	obj, err := pipeline.Kind.New(&supervisor.Spec{Kind: pipeline.KindName, Name: "p", Body: body}, &supervisor.Env{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	return obj.(*pipeline.Pipeline), nil
}

func TestPipelineChecksPolicyReferencesAtLoad(t *testing.T) {
	for _, tc := range []struct{ name, fields, want string }{
		{"missing", `{"filters": [{"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "http://127.0.0.1:1"}], "retryPolicy": "again"}]}]}`,
			`filters[0] "up": pools[0].retryPolicy: policy "again" is not declared in the pipeline's resilience list`},
		{"wrong kind", `{"filters": [{"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "http://127.0.0.1:1"}], "circuitBreakerPolicy": "again"}]}],
			"resilience": [{"name": "again", "kind": "Retry"}]}`, `filters[0] "up": pools[0].circuitBreakerPolicy: policy "again" is a Retry, not a CircuitBreaker`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := buildPipeline(t, tc.fields)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	p, err := buildPipeline(t, `{"filters": [{"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "http://127.0.0.1:1"}], "retryPolicy": "again", "circuitBreakerPolicy": "guard"}]}],
		"resilience": [{"name": "again", "kind": "Retry"}, {"name": "guard", "kind": "CircuitBreaker"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Init(); err != nil {
		t.Fatal(err)
	}
	_ = p.Close()
}

func TestShortCircuitedReachableByJumpIf(t *testing.T) {
	dead := deadURL(t)
	p, err := buildPipeline(t, `{"flow": [{"filter": "up", "jumpIf": {"shortCircuited": "END", "serverError": "END"}}],
		"filters": [{"name": "up", "kind": "Proxy", "pools": [{"servers": [{"url": "`+dead+`"}], "circuitBreakerPolicy": "guard"}]}],
		"resilience": [{"name": "guard", "kind": "CircuitBreaker", "slidingWindowSize": 1, "minimumNumberOfCalls": 1}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Init(); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	results := []string{}
	for range 2 {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI("/")
		ctx := filter.NewContext()
		ctx.ResetDetached(req, []byte("10.0.0.1"), time.Now())
		results = append(results, p.Handle(ctx))
		ctx.Finish()
		fasthttp.ReleaseRequest(req)
	}
	if results[0] != ResultServerError || results[1] != ResultShortCircuited {
		t.Fatalf("results %v", results)
	}
}
