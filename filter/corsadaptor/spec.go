package corsadaptor

import (
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/internal/wildcard"
	"github.com/gatewright/gatewright/registry"
)

// Spec is the CORSAdaptor filter's own fields.
type Spec struct {
	// AllowedOrigins are the origins allowed; empty or "*" allows all.
	AllowedOrigins []string `json:"allowedOrigins,omitempty" jsonschema:"description=allowed origins; * allows all; one * wildcard per entry; empty allows all"`
	// AllowedMethods are the methods a preflight may ask for.
	AllowedMethods []string `json:"allowedMethods,omitempty" jsonschema:"description=methods allowed (default GET POST HEAD)"`
	// AllowedHeaders are the request headers a preflight may ask for; "*"
	// allows any.
	AllowedHeaders []string `json:"allowedHeaders,omitempty" jsonschema:"description=request headers allowed; * allows any (default accept content-type x-requested-with)"`
	// AllowCredentials lets the browser send credentials.
	AllowCredentials bool `json:"allowCredentials,omitempty" jsonschema:"description=allow cookies and credentials"`
	// ExposedHeaders are reply headers scripts may read.
	ExposedHeaders []string `json:"exposedHeaders,omitempty" jsonschema:"description=reply headers scripts may read"`
	// MaxAge is how long, in seconds, a browser may cache a preflight
	// reply; 0 sends no Access-Control-Max-Age.
	MaxAge int `json:"maxAge,omitempty" jsonschema:"minimum=0,description=seconds a preflight reply may be cached; 0 sends none"`
}

// Validate checks origins, methods and header names.
func (s *Spec) Validate() error {
	var errs registry.FieldErrors
	for i, o := range s.AllowedOrigins {
		if _, err := wildcard.Compile(o); err != nil {
			errs = append(errs, registry.FieldError{Path: "allowedOrigins[" + strconv.Itoa(i) + "]", Reason: strconv.Quote(o) + ": " + err.Error()})
		}
	}
	for i, m := range s.AllowedMethods {
		if !adapt.ValidHeaderName(m) {
			errs = append(errs, registry.FieldError{Path: "allowedMethods[" + strconv.Itoa(i) + "]", Reason: strconv.Quote(m) + " is not a method name"})
		}
	}
	checkNames := func(field string, names []string, star bool) {
		for i, h := range names {
			if (star && h == "*") || adapt.ValidHeaderName(h) {
				continue
			}
			errs = append(errs, registry.FieldError{Path: field + "[" + strconv.Itoa(i) + "]", Reason: strconv.Quote(h) + " is not a header name"})
		}
	}
	checkNames("allowedHeaders", s.AllowedHeaders, true)
	checkNames("exposedHeaders", s.ExposedHeaders, false)
	if s.MaxAge < 0 {
		errs = append(errs, registry.FieldError{Path: "maxAge", Reason: "must not be negative"})
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// policy is a compiled Spec: everything the request path needs, as bytes.
type policy struct {
	anyOrigin   bool
	origins     wildcard.List
	methods     [][]byte // upper-case
	anyHeader   bool
	headers     [][]byte // lower-case
	credentials bool
	exposed     []byte // joined with ", "; nil when none
	maxAge      []byte // nil when 0
}

// compile builds the policy of a valid spec.
func compile(s *Spec) policy {
	p := policy{credentials: s.AllowCredentials}
	p.origins, _, _ = wildcard.CompileList(s.AllowedOrigins)
	p.anyOrigin = len(s.AllowedOrigins) == 0 || p.origins.MatchAll()
	// The defaults are Easegress's (those of github.com/rs/cors).
	methods := s.AllowedMethods
	if len(methods) == 0 {
		methods = []string{"GET", "POST", "HEAD"}
	}
	for _, m := range methods {
		p.methods = append(p.methods, []byte(strings.ToUpper(m)))
	}
	headers := s.AllowedHeaders
	if len(headers) == 0 {
		headers = []string{"accept", "content-type", "x-requested-with"}
	}
	for _, h := range headers {
		if h == "*" {
			p.anyHeader = true
			continue
		}
		p.headers = append(p.headers, []byte(strings.ToLower(h)))
	}
	if len(s.ExposedHeaders) > 0 {
		p.exposed = []byte(strings.Join(s.ExposedHeaders, ", "))
	}
	if s.MaxAge > 0 {
		p.maxAge = []byte(strconv.Itoa(s.MaxAge))
	}
	return p
}
