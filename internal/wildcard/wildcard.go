// Package wildcard matches strings against patterns with at most one '*',
// such as CORS origins ("https://*.shop.example") and media types
// ("text/*", "application/*+json"). Matching is ASCII case-insensitive and
// does not allocate.
package wildcard

import (
	"errors"
	"strings"
)

// Pattern is a compiled pattern. The zero Pattern matches only "".
type Pattern struct {
	prefix, suffix []byte // lower-case
	star           bool
	any            bool // the pattern is "*" alone
}

// ErrTwoStars is returned for a pattern with more than one '*'.
var ErrTwoStars = errors.New("at most one '*' is allowed")

// Compile compiles p: "*" matches everything; "a*b" matches what starts
// with a and ends with b (and is at least as long as both); a pattern
// without '*' matches itself. Case is ignored.
func Compile(p string) (Pattern, error) {
	if strings.Count(p, "*") > 1 {
		return Pattern{}, ErrTwoStars
	}
	lower := strings.ToLower(p)
	if lower == "*" {
		return Pattern{any: true, star: true}, nil
	}
	pre, suf, star := strings.Cut(lower, "*")
	return Pattern{prefix: []byte(pre), suffix: []byte(suf), star: star}, nil
}

// MatchAll reports whether the pattern is "*".
func (p *Pattern) MatchAll() bool { return p.any }

// Match reports whether s matches the pattern.
func (p *Pattern) Match(s []byte) bool {
	if p.any {
		return true
	}
	if !p.star {
		return EqualFold(s, p.prefix)
	}
	if len(s) < len(p.prefix)+len(p.suffix) {
		return false
	}
	return EqualFold(s[:len(p.prefix)], p.prefix) && EqualFold(s[len(s)-len(p.suffix):], p.suffix)
}

// EqualFold reports whether a equals lower, which must be lower-case,
// ignoring ASCII case in a.
func EqualFold(a, lower []byte) bool {
	if len(a) != len(lower) {
		return false
	}
	for i, c := range a {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// List is a set of patterns; it matches what any of them matches.
type List []Pattern

// CompileList compiles every pattern; the error names the index of the
// first bad one.
func CompileList(patterns []string) (List, int, error) {
	out := make(List, 0, len(patterns))
	for i, s := range patterns {
		p, err := Compile(s)
		if err != nil {
			return nil, i, err
		}
		out = append(out, p)
	}
	return out, -1, nil
}

// Match reports whether any pattern matches s.
func (l List) Match(s []byte) bool {
	for i := range l {
		if l[i].Match(s) {
			return true
		}
	}
	return false
}

// MatchAll reports whether the list holds "*".
func (l List) MatchAll() bool {
	for i := range l {
		if l[i].any {
			return true
		}
	}
	return false
}
