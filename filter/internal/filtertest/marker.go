package filtertest

import (
	"github.com/gatewright/gatewright/filter"
)

// MarkerKind is a filter kind for flow tests: a Marker filter marks the
// current namespace's response with the header "X-Marker: <its name>",
// first creating a response with status 299 and body "marker" when there
// is none. Seeing the header tells that the flow reached the filter.
var MarkerKind = &filter.Kind{
	Name:        "Marker",
	Description: "Marks the response to show that the flow reached it (tests only).",
	DefaultSpec: func() any { return &struct{}{} },
	New:         func(spec *filter.Spec) filter.Filter { return &marker{Base: filter.NewBase(spec)} },
}

// MarkerStatus is the status of a response a Marker creates.
const MarkerStatus = 299

type marker struct {
	filter.Base
}

// Init does nothing.
func (m *marker) Init() error { return nil }

// Inherit does nothing.
func (m *marker) Inherit(filter.Filter) error { return nil }

// Handle marks the response, creating one if needed.
func (m *marker) Handle(ctx *filter.Context) string {
	resp := ctx.Response()
	if resp == nil {
		resp = ctx.NewResponse()
		resp.SetStatusCode(MarkerStatus)
		resp.SetBodyString("marker")
	}
	resp.Header.Set("X-Marker", m.Name())
	return ""
}
