package validator

import (
	"bytes"
	"regexp"
	"sort"

	"github.com/gatewright/gatewright/protocols/httpprot"
)

// headerCheck is the compiled headers check.
type headerCheck struct {
	rules []compiledHeaderRule
}

type compiledHeaderRule struct {
	name   string
	values [][]byte
	re     *regexp.Regexp
}

// headerError says which header failed.
type headerError struct {
	name    string
	missing bool
}

func (e *headerError) Error() string {
	if e.missing {
		return "header " + e.name + " is missing"
	}
	return "header " + e.name + " has a value that is not allowed"
}

func newHeaderCheck(rules map[string]HeaderRule) *headerCheck {
	hc := &headerCheck{}
	for _, name := range sortedKeys(rules) {
		r := rules[name]
		c := compiledHeaderRule{name: name}
		for _, v := range r.Values {
			c.values = append(c.values, []byte(v))
		}
		if r.Regexp != "" {
			c.re = regexp.MustCompile(r.Regexp)
		}
		hc.rules = append(hc.rules, c)
	}
	return hc
}

// check passes when every named header is present and each of its values
// is listed or matches the regexp.
func (hc *headerCheck) check(req *httpprot.Request) error {
	for i := range hc.rules {
		r := &hc.rules[i]
		values := req.Header.PeekAll(r.name)
		if len(values) == 0 {
			return &headerError{name: r.name, missing: true}
		}
		for _, v := range values {
			if !r.allows(v) {
				return &headerError{name: r.name}
			}
		}
	}
	return nil
}

func (r *compiledHeaderRule) allows(v []byte) bool {
	for _, allowed := range r.values {
		if bytes.Equal(v, allowed) {
			return true
		}
	}
	return r.re != nil && r.re.Match(v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
