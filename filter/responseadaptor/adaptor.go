package responseadaptor

import (
	"fmt"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/tmpl"
)

// KindName is the ResponseAdaptor filter's kind name.
const KindName = "ResponseAdaptor"

// Results of the ResponseAdaptor filter.
const (
	// ResultResponseNotFound: the namespace has no response to edit.
	ResultResponseNotFound = "responseNotFound"
	// ResultCompressFailed: the body could not be read to be compressed.
	ResultCompressFailed = "compressFailed"
	// ResultDecompressFailed: the gzip body could not be decompressed.
	ResultDecompressFailed = "decompressFailed"
	// ResultBuildErr: the template failed. Easegress returns it undeclared;
	// here it is declared, so that a jumpIf can route it.
	ResultBuildErr = "buildErr"
)

// Kind is the ResponseAdaptor filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "ResponseAdaptor edits the response: headers, body, gzip, or a template.",
	Results:     []string{ResultResponseNotFound, ResultCompressFailed, ResultDecompressFailed, ResultBuildErr},
	DefaultSpec: func() any { return &Spec{} },
	New:         newAdaptor,
}

func init() { filter.Register(Kind) }

// ResponseAdaptor is a running ResponseAdaptor filter.
type ResponseAdaptor struct {
	filter.Base
	static     edits
	tmpl       *tmpl.Template // nil without a template
	compress   bool
	decompress bool
	err        error // from compiling the spec; reported by Validate and Init
}

var _ filter.Filter = (*ResponseAdaptor)(nil)

func newAdaptor(spec *filter.Spec) filter.Filter {
	ra := &ResponseAdaptor{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		ra.err = fmt.Errorf("responseadaptor: spec body is %T, want *responseadaptor.Spec", spec.Body)
		return ra
	}
	if ra.err = s.Validate(); ra.err != nil {
		return ra
	}
	ra.static = compileEdits(s)
	if s.Template != "" {
		ra.tmpl, ra.err = tmpl.Parse(spec.Name, s.Template, s.LeftDelim, s.RightDelim)
	}
	ra.compress = s.Compress == adapt.Gzip
	ra.decompress = s.Decompress == adapt.Gzip
	return ra
}

// Validate reports a spec the filter could not be built from.
func (ra *ResponseAdaptor) Validate() error { return ra.err }

// Init reports a spec the filter could not be built from; there is
// nothing to start.
func (ra *ResponseAdaptor) Init() error { return ra.err }

// Inherit is Init: the filter keeps no state worth taking over.
func (ra *ResponseAdaptor) Inherit(previous filter.Filter) error { return ra.Init() }

// Handle edits the current namespace's response.
func (ra *ResponseAdaptor) Handle(ctx *filter.Context) string {
	resp := ctx.Response()
	if resp == nil || !resp.Valid() {
		return ResultResponseNotFound
	}
	if ra.tmpl == nil {
		ra.static.apply(resp.Response)
	} else {
		e, err := ra.templateEdits(ctx)
		if err != nil {
			ra.Log().Warn("template failed", "error", err)
			return ResultBuildErr
		}
		e.apply(resp.Response)
	}
	if ra.compress {
		if err := adapt.CompressResponse(resp.Response); err != nil {
			ra.Log().Debug("compressing response body failed", "error", err)
			return ResultCompressFailed
		}
	}
	if ra.decompress {
		if err := adapt.DecompressResponse(resp.Response); err != nil {
			ra.Log().Debug("decompressing response body failed", "error", err)
			return ResultDecompressFailed
		}
	}
	return ""
}
