package backend

import (
	"fmt"
	"regexp"
)

// CheckStatus reports why a probe reply's status code is not in any of
// ranges ([low, high] pairs, both ends included), or nil.
func CheckStatus(code int, ranges [][2]int) error {
	for _, r := range ranges {
		if code >= r[0] && code <= r[1] {
			return nil
		}
	}
	return fmt.Errorf("status %d is not in %v", code, ranges)
}

// HeaderCheck is one condition on a probe reply header: the header equals
// Value, or matches it as a regular expression when Re is set.
type HeaderCheck struct {
	// Name is the header name.
	Name string
	// Value is the wanted value or the regular expression's source.
	Value string
	// Re is the compiled regular expression; nil for an exact match.
	Re *regexp.Regexp
}

// NewHeaderCheck compiles a condition on header name; isRegexp says that
// value is a regular expression.
func NewHeaderCheck(name, value string, isRegexp bool) (HeaderCheck, error) {
	hc := HeaderCheck{Name: name, Value: value}
	if isRegexp {
		re, err := regexp.Compile(value)
		if err != nil {
			return HeaderCheck{}, err
		}
		hc.Re = re
	}
	return hc, nil
}

// Check reports why v, the reply's value of the header, fails the
// condition, or nil.
func (hc *HeaderCheck) Check(v string) error {
	if hc.Re != nil {
		if !hc.Re.MatchString(v) {
			return fmt.Errorf("header %s %q does not match %q", hc.Name, v, hc.Value)
		}
	} else if v != hc.Value {
		return fmt.Errorf("header %s is %q, want %q", hc.Name, v, hc.Value)
	}
	return nil
}
