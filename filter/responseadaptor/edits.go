package responseadaptor

import (
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/valyala/fasthttp"
)

// edits are the compiled response edits, from the static fields or from a
// template's output merged over them.
type edits struct {
	header  *adapt.Header
	body    []byte
	hasBody bool
}

// compileEdits prepares the static fields of a valid spec.
func compileEdits(s *Spec) edits {
	e := edits{}
	if !s.Header.IsEmpty() {
		e.header = s.Header.Compile()
	}
	if s.Body != "" {
		e.body, e.hasBody = []byte(s.Body), true
	}
	return e
}

// apply edits resp: header, then body.
func (e *edits) apply(resp *fasthttp.Response) {
	if e.header != nil {
		e.header.ApplyResponse(&resp.Header)
	}
	if e.hasBody {
		resp.SetBody(e.body)
		resp.Header.Del(fasthttp.HeaderContentEncoding)
	}
}
