package requestadaptor

import (
	"fmt"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/tmpl"
)

// templateOutput is the document a template yields.
type templateOutput struct {
	Method string            `json:"method"`
	Path   *adapt.PathSpec   `json:"path"`
	Header *adapt.HeaderSpec `json:"header"`
	Body   string            `json:"body"`
	Host   string            `json:"host"`
}

// templateEdits runs the template on ctx and merges what it yields over
// the static edits.
func (ra *RequestAdaptor) templateEdits(ctx *filter.Context) (edits, error) {
	e := ra.static
	var out templateOutput
	if err := ra.tmpl.Render(tmpl.NewData(ctx, ra.Spec().Env.Data), &out); err != nil {
		return e, err
	}
	if out.Method != "" {
		if !validMethod(out.Method) {
			return e, fmt.Errorf("method %q is not a standard upper-case method", out.Method)
		}
		e.method = []byte(out.Method)
	}
	if !out.Path.IsEmpty() {
		p, err := out.Path.Compile()
		if err != nil {
			return e, adapt.At("path", err)
		}
		e.path = p
	}
	if out.Header != nil {
		if err := out.Header.Validate(); err != nil {
			return e, adapt.At("header", err)
		}
		e.header = out.Header.Compile()
	}
	if out.Body != "" {
		e.body, e.hasBody = []byte(out.Body), true
	}
	if out.Host != "" {
		if !adapt.ValidHeaderValue(out.Host) {
			return e, fmt.Errorf("host must not contain CR, LF or NUL")
		}
		e.host = []byte(out.Host)
	}
	return e, nil
}
