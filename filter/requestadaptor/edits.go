package requestadaptor

import (
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/valyala/fasthttp"
)

// edits are the compiled request edits, from the static fields or from a
// template's output merged over them.
type edits struct {
	method  []byte // nil: keep
	host    []byte // nil: keep
	path    *adapt.Path
	header  *adapt.Header
	body    []byte
	hasBody bool
}

// compileEdits prepares the static fields of a valid spec.
func compileEdits(s *Spec) (edits, error) {
	e := edits{}
	if s.Method != "" {
		e.method = []byte(s.Method)
	}
	if s.Host != "" {
		e.host = []byte(s.Host)
	}
	if s.Path != nil {
		p, err := s.Path.Compile()
		if err != nil {
			return e, adapt.At("path", err)
		}
		e.path = p
	}
	if !s.Header.IsEmpty() {
		e.header = s.Header.Compile()
	}
	if s.Body != "" {
		e.body, e.hasBody = []byte(s.Body), true
	}
	return e, nil
}

// apply edits req in the documented order: method, path, header, body,
// host.
func (e *edits) apply(req *fasthttp.Request) {
	if e.method != nil {
		req.Header.SetMethodBytes(e.method)
	}
	if e.path != nil {
		e.path.Apply(req.URI())
	}
	if e.header != nil {
		e.header.ApplyRequest(req)
	}
	if e.hasBody {
		req.SetBody(e.body)
		req.Header.Del(fasthttp.HeaderContentEncoding)
	}
	if e.host != nil {
		req.Header.SetHostBytes(e.host)
		req.URI().SetHostBytes(e.host)
	}
}

// validMethod reports whether m is one of the standard methods.
func validMethod(m string) bool {
	switch m {
	case fasthttp.MethodGet, fasthttp.MethodHead, fasthttp.MethodPost, fasthttp.MethodPut,
		fasthttp.MethodPatch, fasthttp.MethodDelete, fasthttp.MethodConnect,
		fasthttp.MethodOptions, fasthttp.MethodTrace:
		return true
	}
	return false
}
