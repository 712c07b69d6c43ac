package retry

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/registry"
)

// buildPipeline decodes and creates a Pipeline whose registry holds the
// Retry policy and the Marker filter.
func buildPipeline(fields string) error {
	reg := filtertest.PipelineRegistry()
	reg.Register(registry.PolicyClass, Kind)
	_, err := filtertest.CreatePipeline(reg, fields)
	return err
}

func TestDeclaredInPipeline(t *testing.T) {
	if err := buildPipeline(`{"filters": [{"name": "m", "kind": "Marker"}],
		"resilience": [{"name": "flaky", "kind": "Retry", "maxAttempts": 4, "waitDuration": "200ms", "backOffPolicy": "exponential"}]}`); err != nil {
		t.Fatal(err)
	}
	err := buildPipeline(`{"filters": [{"name": "m", "kind": "Marker"}],
		"resilience": [{"name": "flaky", "kind": "Retry", "backOffPolicy": "Exponential"}]}`)
	if err == nil || !strings.Contains(err.Error(), `resilience[0] "flaky": backOffPolicy`) {
		t.Fatalf("err = %v", err)
	}
}
