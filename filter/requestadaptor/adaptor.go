package requestadaptor

import (
	"fmt"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/filter/internal/signer"
	"github.com/gatewright/gatewright/filter/internal/tmpl"
)

// KindName is the RequestAdaptor filter's kind name.
const KindName = "RequestAdaptor"

// Results of the RequestAdaptor filter.
const (
	// ResultDecompressFailed: the gzip body could not be decompressed.
	ResultDecompressFailed = "decompressFailed"
	// ResultCompressFailed: the body could not be read to be compressed.
	ResultCompressFailed = "compressFailed"
	// ResultSignFailed: the request could not be signed (its body could
	// not be read, or its query is malformed). Declared, unlike in
	// Easegress, so that a flow can route it with jumpIf.
	ResultSignFailed = "signFailed"
	// ResultBuildErr: the template failed; not declared (as in Easegress),
	// so it cannot be a jumpIf key and ends the pipeline.
	ResultBuildErr = "buildErr"
)

// Kind is the RequestAdaptor filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "RequestAdaptor edits the request (method, host, path, headers, body, gzip, or a template) and may sign it.",
	Results:     []string{ResultDecompressFailed, ResultCompressFailed, ResultSignFailed, ResultBuildErr},
	DefaultSpec: func() any { return &Spec{} },
	New:         newAdaptor,
}

func init() { filter.Register(Kind) }

// RequestAdaptor is a running RequestAdaptor filter.
type RequestAdaptor struct {
	filter.Base
	static     edits
	tmpl       *tmpl.Template // nil without a template
	compress   bool
	decompress bool
	signer     *signer.Signer   // nil without sign
	now        func() time.Time // the signing clock
	err        error            // from compiling the spec; reported by Validate and Init
}

var _ filter.Filter = (*RequestAdaptor)(nil)

func newAdaptor(spec *filter.Spec) filter.Filter {
	ra := &RequestAdaptor{Base: filter.NewBase(spec), now: time.Now}
	s, ok := spec.Body.(*Spec)
	if !ok {
		ra.err = fmt.Errorf("requestadaptor: spec body is %T, want *requestadaptor.Spec", spec.Body)
		return ra
	}
	if ra.err = s.Validate(); ra.err != nil {
		return ra
	}
	if ra.static, ra.err = compileEdits(s); ra.err != nil {
		return ra
	}
	if s.Template != "" {
		ra.tmpl, ra.err = tmpl.Parse(spec.Name, s.Template, s.LeftDelim, s.RightDelim)
	}
	ra.compress = s.Compress == adapt.Gzip
	ra.decompress = s.Decompress == adapt.Gzip
	if s.Sign != nil {
		ra.signer = s.Sign.newSigner()
	}
	return ra
}

// Validate reports a spec the filter could not be built from.
func (ra *RequestAdaptor) Validate() error { return ra.err }

// Init reports a spec the filter could not be built from; there is
// nothing to start.
func (ra *RequestAdaptor) Init() error { return ra.err }

// Inherit is Init: the filter keeps no state worth taking over.
func (ra *RequestAdaptor) Inherit(previous filter.Filter) error { return ra.Init() }

// Handle edits the current namespace's request, then signs it.
func (ra *RequestAdaptor) Handle(ctx *filter.Context) string {
	r := ctx.Request()
	if !r.Valid() {
		return ""
	}
	if ra.tmpl == nil {
		ra.static.apply(r.Request)
	} else {
		e, err := ra.templateEdits(ctx)
		if err != nil {
			ra.Log().Warn("template failed", "error", err)
			return ResultBuildErr
		}
		e.apply(r.Request)
	}
	if ra.compress {
		if err := adapt.CompressRequest(r.Request); err != nil {
			ra.Log().Debug("compressing request body failed", "error", err)
			return ResultCompressFailed
		}
	}
	if ra.decompress {
		if err := adapt.DecompressRequest(r.Request); err != nil {
			ra.Log().Debug("decompressing request body failed", "error", err)
			return ResultDecompressFailed
		}
	}
	if ra.signer != nil {
		if err := ra.signer.Sign(r.Request, ra.now()); err != nil {
			ra.Log().Debug("signing the request failed", "error", err)
			return ResultSignFailed
		}
	}
	return ""
}
