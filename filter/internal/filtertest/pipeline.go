package filtertest

import (
	"log/slog"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// NewPipeline builds and starts a Pipeline named "p" from its JSON fields
// through a registry holding the Pipeline kind, the given filter kinds and
// Marker, as the supervisor would; the pipeline is closed when the test
// ends. The error is the one a user would see for a bad spec.
func NewPipeline(t testing.TB, fields string, kinds ...*filter.Kind) (*pipeline.Pipeline, error) {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	for _, k := range kinds {
		reg.Register(registry.FilterClass, k)
	}
	reg.Register(registry.FilterClass, MarkerKind)
	ent, err := reg.Lookup(registry.ObjectClass, pipeline.KindName)
	if err != nil {
		return nil, err
	}
	body, err := ent.DecodeSpec([]byte(fields))
	if err != nil {
		return nil, err
	}
	spec := &supervisor.Spec{Kind: pipeline.KindName, Name: "p", Body: body}
	obj, err := pipeline.Kind.New(spec, &supervisor.Env{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	if err := obj.Init(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = obj.Close() })
	return obj.(*pipeline.Pipeline), nil
}
