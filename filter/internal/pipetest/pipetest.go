// Package pipetest builds real Pipeline objects for filter tests, so that
// a filter's declared results can be checked with jumpIf the way a
// gateway loads them.
package pipetest

import (
	"log/slog"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// New decodes fields (a Pipeline's own fields, as JSON) with a registry
// holding the Pipeline kind, the Marker filter kind and kinds, then
// creates and initialises the pipeline "p". Data, when not nil, is the
// store reader its filters get. The pipeline is closed when the test ends.
func New(t testing.TB, fields string, data filter.DataReader, kinds ...*filter.Kind) (*pipeline.Pipeline, error) {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.FilterClass, filtertest.MarkerKind)
	for _, k := range kinds {
		reg.Register(registry.FilterClass, k)
	}
	ent, err := reg.Lookup(registry.ObjectClass, pipeline.KindName)
	if err != nil {
		return nil, err
	}
	body, err := ent.DecodeSpec([]byte(fields))
	if err != nil {
		return nil, err
	}
	env := &supervisor.Env{Registry: reg, Logger: slog.New(slog.DiscardHandler)}
	if data != nil {
		env.Data = data
	}
	obj, err := pipeline.Kind.New(&supervisor.Spec{Kind: pipeline.KindName, Name: "p", Body: body}, env)
	if err != nil {
		return nil, err
	}
	if err := obj.Init(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = obj.Close() })
	return obj.(*pipeline.Pipeline), nil
}
