package filtertest

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// PipelineRegistry returns a fresh registry holding the Pipeline kind,
// the given filter kinds and Marker; tests may register more (policies)
// before building a pipeline through it.
func PipelineRegistry(kinds ...*filter.Kind) *registry.Registry {
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	for _, k := range kinds {
		reg.Register(registry.FilterClass, k)
	}
	reg.Register(registry.FilterClass, MarkerKind)
	return reg
}

// CreatePipeline decodes fields (a Pipeline's own fields, as JSON) and
// creates, without initialising, the Pipeline "p" through reg, as the
// supervisor would. The error is the one a user would see for a bad spec.
func CreatePipeline(reg *registry.Registry, fields string) (*pipeline.Pipeline, error) {
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
	return obj.(*pipeline.Pipeline), nil
}

// NewPipeline builds and starts a Pipeline named "p" from its JSON fields
// through PipelineRegistry(kinds...), as the supervisor would; the
// pipeline is closed when the test ends. The error is the one a user
// would see for a bad spec.
func NewPipeline(t testing.TB, fields string, kinds ...*filter.Kind) (*pipeline.Pipeline, error) {
	t.Helper()
	p, err := CreatePipeline(PipelineRegistry(kinds...), fields)
	if err != nil {
		return nil, err
	}
	if err := p.Init(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = p.Close() })
	return p, nil
}

// RefuseUndeclaredResult checks that a pipeline routing result of the
// filter spec (a JSON object naming the filter name, of one of kinds) with
// jumpIf fails to build, the error naming the undeclared result.
func RefuseUndeclaredResult(t testing.TB, spec, name, result string, kinds ...*filter.Kind) {
	t.Helper()
	fields := `{"flow": [{"filter": "` + name + `", "jumpIf": {"` + result + `": "END"}}], "filters": [` + spec + `]}`
	_, err := NewPipeline(t, fields, kinds...)
	if want := `does not declare result "` + result + `"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("an undeclared result must be refused: %v", err)
	}
}
