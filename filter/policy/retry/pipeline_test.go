package retry

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// buildPipeline decodes and creates a Pipeline whose registry holds the
// Retry policy and the Marker filter.
func buildPipeline(fields string) error {
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.PolicyClass, Kind)
	reg.Register(registry.FilterClass, filtertest.MarkerKind)
	ent, err := reg.Lookup(registry.ObjectClass, pipeline.KindName)
	if err != nil {
		return err
	}
	body, err := ent.DecodeSpec([]byte(fields))
	if err != nil {
		return err
	}
	_, err = pipeline.Kind.New(&supervisor.Spec{Kind: pipeline.KindName, Name: "p", Body: body}, &supervisor.Env{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
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
