package circuitbreaker

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/registry"
)

// buildPipeline decodes and creates a Pipeline whose registry holds the
// CircuitBreaker policy and the Marker filter.
func buildPipeline(fields string) error {
	reg := filtertest.PipelineRegistry()
	reg.Register(registry.PolicyClass, Kind)
	_, err := filtertest.CreatePipeline(reg, fields)
	return err
}

func TestDeclaredInPipeline(t *testing.T) {
	if err := buildPipeline(`{"filters": [{"name": "m", "kind": "Marker"}],
		"resilience": [{"name": "guard", "kind": "CircuitBreaker", "slidingWindowType": "TIME_BASED", "slidingWindowSize": 30, "minimumNumberOfCalls": 20}]}`); err != nil {
		t.Fatal(err)
	}
	err := buildPipeline(`{"filters": [{"name": "m", "kind": "Marker"}],
		"resilience": [{"name": "guard", "kind": "CircuitBreaker", "failureRateThreshold": 0}]}`)
	if err == nil || !strings.Contains(err.Error(), `resilience[0] "guard": failureRateThreshold`) {
		t.Fatalf("err = %v", err)
	}
}
