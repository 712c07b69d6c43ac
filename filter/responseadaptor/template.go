package responseadaptor

import (
	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/tmpl"
)

// templateOutput is the document a template yields.
type templateOutput struct {
	Header *adapt.HeaderSpec `json:"header"`
	Body   string            `json:"body"`
}

// templateEdits runs the template on ctx and merges what it yields over
// the static edits.
func (ra *ResponseAdaptor) templateEdits(ctx *filter.Context) (edits, error) {
	e := ra.static
	var out templateOutput
	if err := ra.tmpl.Render(tmpl.NewData(ctx, ra.Spec().Env.Data), &out); err != nil {
		return e, err
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
	return e, nil
}
