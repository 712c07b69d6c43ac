package validator

import (
	"fmt"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// KindName is the Validator filter's kind name.
const KindName = "Validator"

// ResultInvalid is returned when a check fails; the response is then 400
// (headers) or 401 (the other checks).
const ResultInvalid = "invalid"

// Kind is the Validator filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Validator rejects requests failing a check: headers, JWT, HMAC signature, OAuth2 token or basic authentication.",
	Results:     []string{ResultInvalid},
	DefaultSpec: func() any { return &Spec{} },
	New:         newValidator,
}

func init() { filter.Register(Kind) }

// checker is one compiled check.
type checker interface {
	// check returns nil when the request passes.
	check(req *httpprot.Request) error
}

// step is a check in the order the Validator runs them.
type step struct {
	name     string // the spec field: headers, jwt, ...
	status   int    // reply status on failure
	c        checker
	rejected atomic.Uint64
	// challenge adds WWW-Authenticate to the rejection (basicAuth).
	challenge bool
}

// Validator is a running Validator filter.
type Validator struct {
	filter.Base
	steps  []*step
	passed atomic.Uint64
	err    error // from compiling the spec; reported by Validate and Init

	jwt       *jwtCheck
	oauth2    *oauth2Check
	basicAuth *basicAuthCheck
}

var _ filter.Filter = (*Validator)(nil)

func newValidator(spec *filter.Spec) filter.Filter {
	v := &Validator{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		v.err = fmt.Errorf("validator: spec body is %T, want *validator.Spec", spec.Body)
		return v
	}
	if v.err = s.Validate(); v.err != nil {
		return v
	}
	if len(s.Headers) > 0 {
		v.add("headers", fasthttp.StatusBadRequest, newHeaderCheck(s.Headers))
	}
	if s.JWT != nil {
		if v.jwt, v.err = newJWTCheck(s.JWT, spec.Env.Log()); v.err != nil {
			return v
		}
		v.add("jwt", fasthttp.StatusUnauthorized, v.jwt)
	}
	if s.Signature != nil {
		v.add("signature", fasthttp.StatusUnauthorized, newSignatureCheck(s.Signature))
	}
	if s.OAuth2 != nil {
		if v.oauth2, v.err = newOAuth2Check(s.OAuth2); v.err != nil {
			return v
		}
		v.add("oauth2", fasthttp.StatusUnauthorized, v.oauth2)
	}
	if s.BasicAuth != nil {
		if v.basicAuth, v.err = newBasicAuthCheck(s.BasicAuth, spec.Env); v.err != nil {
			return v
		}
		v.add("basicAuth", fasthttp.StatusUnauthorized, v.basicAuth)
		v.steps[len(v.steps)-1].challenge = true
	}
	return v
}

func (v *Validator) add(name string, status int, c checker) {
	v.steps = append(v.steps, &step{name: name, status: status, c: c})
}

// Validate reports a spec the filter could not be built from.
func (v *Validator) Validate() error { return v.err }

// Init reads the basicAuth users (failing when they cannot be read) and
// fetches the JWKS (a failure is logged: tokens are refused until a
// fetch succeeds).
func (v *Validator) Init() error {
	if v.err != nil {
		return v.err
	}
	if v.basicAuth != nil {
		if err := v.basicAuth.start(); err != nil {
			return err
		}
	}
	if v.jwt != nil {
		v.jwt.start()
	}
	return nil
}

// Inherit is Init: the new generation reads its users and keys afresh;
// previous keeps serving with its own until it is closed.
func (v *Validator) Inherit(previous filter.Filter) error { return v.Init() }

// Handle runs the checks in order. The first that fails gets a response
// with its status (400 for headers, 401 for the others; basicAuth adds
// WWW-Authenticate), a tag naming the check and why, and the result
// ResultInvalid.
func (v *Validator) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		resp := ctx.NewResponse()
		resp.SetStatusCode(fasthttp.StatusBadRequest)
		return ResultInvalid
	}
	for _, s := range v.steps {
		if err := s.c.check(req); err != nil {
			v.reject(ctx, s, err)
			return ResultInvalid
		}
	}
	v.passed.Add(1)
	return ""
}

var wwwAuthenticate = []byte(`Basic realm="gatewright", charset="UTF-8"`)

func (v *Validator) reject(ctx *filter.Context, s *step, err error) {
	s.rejected.Add(1)
	ctx.AddTag("validator: " + s.name + ": " + err.Error())
	resp := ctx.NewResponse()
	resp.SetStatusCode(s.status)
	if s.challenge {
		resp.Header.SetBytesV("WWW-Authenticate", wwwAuthenticate)
	}
	v.Log().Debug("request rejected", "check", s.name, "reason", err)
}

// Close stops the refresh of basicAuth users and JWKS keys and drops the
// introspection endpoint's idle connections.
func (v *Validator) Close() error {
	if v.basicAuth != nil {
		v.basicAuth.close()
	}
	if v.jwt != nil {
		v.jwt.close()
	}
	if v.oauth2 != nil {
		v.oauth2.close()
	}
	return nil
}
