package httpserver

import (
	"regexp"

	"github.com/valyala/fasthttp"
)

// condition is a compiled header or query Condition.
type condition struct {
	key    string
	values []string
	re     *regexp.Regexp
}

// allOf reports whether v satisfies every part of the condition (used
// with matchAll*: values, if any, contain v, and the expression, if any,
// matches).
func (c *condition) allOf(v []byte) bool {
	if len(c.values) > 0 && !c.in(v) {
		return false
	}
	return c.re == nil || c.re.Match(v)
}

// anyOf reports whether v satisfies some part of the condition.
func (c *condition) anyOf(v []byte) bool {
	return c.in(v) || (c.re != nil && c.re.Match(v))
}

func (c *condition) in(v []byte) bool {
	for _, s := range c.values {
		if string(v) == s {
			return true
		}
	}
	return false
}

// headersMatch checks header conditions against the first value of each
// key ("" when missing): all of them with matchAll, else at least one.
func headersMatch(conds []condition, matchAll bool, h *fasthttp.RequestHeader) bool {
	for i := range conds {
		c := &conds[i]
		v := h.Peek(c.key)
		if matchAll {
			if !c.allOf(v) {
				return false
			}
		} else if c.anyOf(v) {
			return true
		}
	}
	return matchAll
}

// queriesMatch is headersMatch for query parameters.
func queriesMatch(conds []condition, matchAll bool, args *fasthttp.Args) bool {
	for i := range conds {
		c := &conds[i]
		v := args.Peek(c.key)
		if matchAll {
			if !c.allOf(v) {
				return false
			}
		} else if c.anyOf(v) {
			return true
		}
	}
	return matchAll
}
