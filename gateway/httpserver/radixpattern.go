package httpserver

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// wildcardName is how rewriteTarget refers to what a pattern's tail
// wildcard matched: {EG_WILDCARD}.
const wildcardName = "EG_WILDCARD"

// tokenKind tells the parts of a RadixTree pattern apart.
type tokenKind uint8

const (
	tokLiteral  tokenKind = iota // text matched as is
	tokParam                     // {name} or {name:regexp}
	tokWildcard                  // the final '*'
)

// patternToken is one part of a parsed RadixTree path pattern.
type patternToken struct {
	kind tokenKind
	text string         // literal text, or the parameter's name
	expr string         // a parameter's expression as written; "" for a plain one
	re   *regexp.Regexp // expr anchored at both ends
	// tail is the byte that ends a parameter's value: the first byte of
	// the literal after it, or '/' when the parameter ends the pattern or
	// is followed by '/'.
	tail byte
}

// parsePattern parses a RadixTree pattern: literal text, parameters
// {name} and {name:regexp} (braces inside the expression must balance),
// and an optional '*' as the very last character. Parameters need literal
// text between them and distinct names.
func parsePattern(p string) ([]patternToken, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, errors.New("must start with /")
	}
	var toks []patternToken
	for i := 0; i < len(p); {
		switch p[i] {
		case '{':
			end := closingBrace(p, i)
			if end < 0 {
				return nil, fmt.Errorf("'{' at offset %d is not closed", i)
			}
			tok, err := parseParam(p[i+1 : end])
			if err != nil {
				return nil, err
			}
			if n := len(toks); n > 0 && toks[n-1].kind == tokParam {
				return nil, fmt.Errorf("parameters {%s} and {%s} must be separated by literal text", toks[n-1].text, tok.text)
			}
			for _, t := range toks {
				if t.kind == tokParam && t.text == tok.text {
					return nil, fmt.Errorf("duplicate parameter name {%s}", tok.text)
				}
			}
			toks = append(toks, tok)
			i = end + 1
		case '}':
			return nil, fmt.Errorf("'}' at offset %d has no matching '{'", i)
		case '*':
			if i != len(p)-1 {
				return nil, fmt.Errorf("'*' at offset %d must be the last character; use a {parameter} inside a path", i)
			}
			if n := len(toks); n > 0 && toks[n-1].kind == tokParam {
				return nil, fmt.Errorf("'*' must not follow parameter {%s} directly", toks[n-1].text)
			}
			toks = append(toks, patternToken{kind: tokWildcard})
			i++
		default:
			end := i + strings.IndexAny(p[i:], "{}*")
			if end < i {
				end = len(p)
			}
			toks = append(toks, patternToken{kind: tokLiteral, text: p[i:end]})
			i = end
		}
	}
	for k := range toks {
		if toks[k].kind != tokParam {
			continue
		}
		toks[k].tail = '/'
		if k+1 < len(toks) && toks[k+1].kind == tokLiteral {
			toks[k].tail = toks[k+1].text[0]
		}
	}
	return toks, nil
}

// closingBrace returns the index of the '}' that closes the '{' at open,
// counting nested braces (as in {id:[0-9]{2,4}}), or -1.
func closingBrace(p string, open int) int {
	depth := 0
	for i := open; i < len(p); i++ {
		switch p[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// parseParam parses what is between a parameter's braces.
func parseParam(inner string) (patternToken, error) {
	name, expr, hasExpr := strings.Cut(inner, ":")
	if err := checkParamName(name); err != nil {
		return patternToken{}, err
	}
	tok := patternToken{kind: tokParam, text: name}
	if !hasExpr {
		return tok, nil
	}
	if expr == "" {
		return patternToken{}, fmt.Errorf("parameter {%s}: empty regexp", name)
	}
	if _, err := compileRegexp(expr); err != nil {
		return patternToken{}, fmt.Errorf("parameter {%s}: %v", name, err)
	}
	// The expression must match the whole value.
	re, err := regexp.Compile("^(?:" + expr + ")$")
	if err != nil {
		return patternToken{}, fmt.Errorf("parameter {%s}: invalid regexp %q: %v", name, expr, err)
	}
	tok.expr, tok.re = expr, re
	return tok, nil
}

// checkParamName accepts names of letters, digits, '_', '-' and '.';
// EG_WILDCARD is reserved for the tail wildcard.
func checkParamName(name string) error {
	if name == "" {
		return errors.New("empty parameter name")
	}
	if name == wildcardName {
		return fmt.Errorf("{%s} is reserved for what '*' matches", wildcardName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return fmt.Errorf("parameter name %q: use letters, digits, '_', '-' and '.'", name)
		}
	}
	return nil
}

// captureCount is how many values a pattern captures: one per parameter
// and one for the wildcard.
func captureCount(toks []patternToken) int {
	n := 0
	for _, t := range toks {
		if t.kind != tokLiteral {
			n++
		}
	}
	return n
}

// rewritePart is a literal or a captured value of a RadixTree
// rewriteTarget.
type rewritePart struct {
	lit     []byte
	capture int // index into the search's captures; -1 for a literal
}

// compileRewriteTemplate compiles a RadixTree rewriteTarget: literal text
// with {name} for a parameter of the pattern and {EG_WILDCARD} for what
// its '*' matched. Captures are numbered in pattern order, the wildcard
// last.
func compileRewriteTemplate(target string, toks []patternToken) ([]rewritePart, error) {
	index := map[string]int{}
	for _, t := range toks {
		switch t.kind {
		case tokParam:
			index[t.text] = len(index)
		case tokWildcard:
			index[wildcardName] = len(index)
		}
	}
	var parts []rewritePart
	for i := 0; i < len(target); {
		switch target[i] {
		case '*':
			return nil, fmt.Errorf("'*' is not allowed; write {%s} for what the path's '*' matched", wildcardName)
		case '}':
			return nil, fmt.Errorf("'}' at offset %d has no matching '{'", i)
		case '{':
			n := strings.IndexAny(target[i+1:], "{}")
			if n < 0 || target[i+1+n] != '}' {
				return nil, fmt.Errorf("'{' at offset %d is not closed by '}'", i)
			}
			name := target[i+1 : i+1+n]
			c, ok := index[name]
			switch {
			case ok:
			case name == wildcardName:
				return nil, fmt.Errorf("{%s}: path has no '*'", wildcardName)
			default:
				return nil, fmt.Errorf("{%s} is not a parameter of path", name)
			}
			parts = append(parts, rewritePart{capture: c})
			i += n + 2
		default:
			end := i + strings.IndexAny(target[i:], "{}*")
			if end < i {
				end = len(target)
			}
			parts = append(parts, rewritePart{lit: []byte(target[i:end]), capture: -1})
			i = end
		}
	}
	return parts, nil
}
