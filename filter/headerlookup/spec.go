package headerlookup

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Bounds and default of refreshInterval.
const (
	DefaultRefreshInterval = 5 * time.Second
	MinRefreshInterval     = 100 * time.Millisecond
)

// Spec is the HeaderLookup filter's own fields.
type Spec struct {
	// HeaderKey is the request header whose value names the data item.
	HeaderKey string `json:"headerKey" jsonschema:"required,minLength=1,description=request header whose value names the data item"`
	// EtcdPrefix names the group of data items (the custom-data kind).
	EtcdPrefix string `json:"etcdPrefix" jsonschema:"required,minLength=1,description=group of data items in the store's data prefix (custom-data kind)"`
	// PathRegExp's first capture group, matched against the path, is
	// appended to the item key as -<group>.
	PathRegExp string `json:"pathRegExp,omitempty" jsonschema:"description=RE2; its first capture group in the path is appended to the item key as -group"`
	// HeaderSetters copy item fields into request headers.
	HeaderSetters []HeaderSetter `json:"headerSetters" jsonschema:"required,minItems=1,description=item fields copied into request headers"`
	// RefreshInterval is how often the items are reloaded (gatewright
	// addition).
	RefreshInterval registry.Duration `json:"refreshInterval" jsonschema:"description=how often the items are reloaded from the store (default 5s; at least 100ms)"`
}

// HeaderSetter copies one item field into one request header.
type HeaderSetter struct {
	// EtcdKey is the item field.
	EtcdKey string `json:"etcdKey" jsonschema:"required,minLength=1,description=field of the data item"`
	// HeaderKey is the request header set to its value.
	HeaderKey string `json:"headerKey" jsonschema:"required,minLength=1,description=request header set to the field's value"`
}

// newSpec returns a spec holding the defaults.
func newSpec() any { return &Spec{RefreshInterval: registry.Duration(DefaultRefreshInterval)} }

// Validate checks names, the expression and the interval.
func (s *Spec) Validate() error {
	if !adapt.ValidHeaderName(s.HeaderKey) {
		return registry.FieldError{Path: "headerKey", Reason: strconv.Quote(s.HeaderKey) + " is not a valid header name"}
	}
	if dataPrefix(s.EtcdPrefix) == "/" {
		return registry.FieldError{Path: "etcdPrefix", Reason: "must name a group of items, not only slashes"}
	}
	if s.PathRegExp != "" {
		if _, err := regexp.Compile(s.PathRegExp); err != nil {
			return registry.FieldError{Path: "pathRegExp", Reason: "invalid regular expression: " + err.Error()}
		}
	}
	for i, hs := range s.HeaderSetters {
		if !adapt.ValidHeaderName(hs.HeaderKey) {
			return registry.FieldError{Path: "headerSetters[" + strconv.Itoa(i) + "].headerKey", Reason: strconv.Quote(hs.HeaderKey) + " is not a valid header name"}
		}
	}
	if s.RefreshInterval.D() < MinRefreshInterval {
		return registry.FieldError{Path: "refreshInterval", Reason: "must be at least " + MinRefreshInterval.String()}
	}
	return nil
}

// dataPrefix turns etcdPrefix into the key prefix of the items relative
// to the store's data prefix: no leading slash, one trailing slash.
func dataPrefix(etcdPrefix string) string {
	return strings.Trim(etcdPrefix, "/") + "/"
}
