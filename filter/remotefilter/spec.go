package remotefilter

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gatewright/gatewright/registry"
)

// Spec is the RemoteFilter filter's own fields.
type Spec struct {
	// URL is the service endpoint, http or https.
	URL string `json:"url" jsonschema:"required,minLength=1,description=service endpoint: http(s)://host[:port][/path][?query]"`
	// Timeout bounds one call; zero means DefaultTimeout.
	Timeout registry.Duration `json:"timeout,omitempty" jsonschema:"description=call timeout (default 30s)"`
}

// Validate checks the URL and the timeout.
func (s *Spec) Validate() error {
	if _, err := parseURL(s.URL); err != nil {
		return err
	}
	if s.Timeout < 0 {
		return registry.FieldError{Path: "timeout", Reason: "must not be negative"}
	}
	return nil
}

// timeout returns the effective call timeout.
func (s *Spec) timeout() time.Duration {
	if s.Timeout == 0 {
		return DefaultTimeout
	}
	return s.Timeout.D()
}

// parseURL checks raw, an http or https URL with a host, no user info and
// no fragment.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, registry.FieldError{Path: "url", Reason: "is not a URL: " + err.Error()}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, registry.FieldError{Path: "url", Reason: "scheme must be http or https"}
	case u.Hostname() == "":
		return nil, registry.FieldError{Path: "url", Reason: "host is missing"}
	case u.User != nil:
		return nil, registry.FieldError{Path: "url", Reason: "user info is not allowed"}
	case u.Fragment != "":
		return nil, registry.FieldError{Path: "url", Reason: "fragment is not allowed"}
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, registry.FieldError{Path: "url", Reason: "port must be 1-65535"}
		}
	}
	return u, nil
}
