package supervisor

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Limits on configuration input. They are far above what a real
// configuration needs and keep a hostile or broken document from costing
// unbounded time or memory.
const (
	// MaxInputBytes is the largest input ParseDocuments reads.
	MaxInputBytes = 16 << 20
	// MaxNestingDepth is the deepest nesting of mappings and sequences a
	// document may have.
	MaxNestingDepth = 100
	// MaxExpandedSize bounds the size of a document once its aliases are
	// expanded, counted as 8 units per node plus the bytes of its scalars.
	// It refuses "billion laughs" alias bombs.
	MaxExpandedSize = 64 << 20
)

// maxErrorLine caps each line of a YAML error, which quotes the source.
const maxErrorLine = 200

// checkDocument refuses a YAML document that nests deeper than
// MaxNestingDepth or whose aliases expand beyond MaxExpandedSize. It
// tokenizes first, so that deep flow nesting (a cheap way to make YAML
// parsers slow) is refused before parsing.
func checkDocument(text []byte) error {
	tokens := lexer.Tokenize(string(text))
	depth := 0
	for _, t := range tokens {
		switch t.Type {
		case token.SequenceStartType, token.MappingStartType:
			depth++
			if depth > MaxNestingDepth {
				return fmt.Errorf("line %d: nested deeper than %d levels", t.Position.Line, MaxNestingDepth)
			}
		case token.SequenceEndType, token.MappingEndType:
			depth--
		}
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return shortError(err)
	}
	sz := &sizer{anchors: map[string]int64{}}
	for _, doc := range f.Docs {
		if _, err := sz.size(doc.Body, 0); err != nil {
			return err
		}
	}
	return nil
}

// sizer computes the expanded size of YAML nodes, remembering the size of
// each anchor so that an alias costs what it expands to.
type sizer struct {
	anchors map[string]int64
	total   int64
}

// nodeCost is what one node costs besides its scalar bytes.
const nodeCost = 8

func (z *sizer) size(n ast.Node, depth int) (int64, error) {
	if n == nil {
		return 0, nil
	}
	if depth > MaxNestingDepth {
		return 0, fmt.Errorf("line %d: nested deeper than %d levels", line(n), MaxNestingDepth)
	}
	var s int64
	switch v := n.(type) {
	case *ast.MappingNode:
		s = nodeCost
		for _, mv := range v.Values {
			c, err := z.size(mv, depth+1)
			if err != nil {
				return 0, err
			}
			s += c
		}
	case *ast.MappingValueNode:
		k, err := z.size(v.Key, depth)
		if err != nil {
			return 0, err
		}
		c, err := z.size(v.Value, depth)
		if err != nil {
			return 0, err
		}
		s = k + c
	case *ast.SequenceNode:
		s = nodeCost
		for _, e := range v.Values {
			c, err := z.size(e, depth+1)
			if err != nil {
				return 0, err
			}
			s += c
		}
	case *ast.MappingKeyNode:
		return z.size(v.Value, depth)
	case *ast.TagNode:
		return z.size(v.Value, depth)
	case *ast.AnchorNode:
		c, err := z.size(v.Value, depth)
		if err != nil {
			return 0, err
		}
		z.anchors[tokenValue(v.Name)] = c
		return c, nil
	case *ast.AliasNode:
		s = z.anchors[tokenValue(v.Value)] + nodeCost
		z.total += s
	default:
		s = nodeCost + int64(len(tokenValue(n)))
		if lit, ok := n.(*ast.LiteralNode); ok && lit.Value != nil {
			s += int64(len(lit.Value.Value))
		}
	}
	if s > MaxExpandedSize || z.total > MaxExpandedSize {
		return 0, fmt.Errorf("line %d: aliases expand the document beyond %d bytes", line(n), MaxExpandedSize)
	}
	return s, nil
}

func tokenValue(n ast.Node) string {
	if n == nil {
		return ""
	}
	if t := n.GetToken(); t != nil {
		return t.Value
	}
	return ""
}

func line(n ast.Node) int {
	if t := n.GetToken(); t != nil && t.Position != nil {
		return t.Position.Line
	}
	return 0
}

// shortError returns err with every line cut to maxErrorLine characters:
// YAML errors quote the offending source line, which may be megabytes long.
func shortError(err error) error {
	msg := err.Error()
	lines := strings.Split(msg, "\n")
	cut := false
	for i, l := range lines {
		if len(l) > maxErrorLine {
			lines[i] = strings.ToValidUTF8(l[:maxErrorLine], "") + "..."
			cut = true
		}
	}
	if !cut {
		return err
	}
	return truncatedError{msg: strings.Join(lines, "\n"), err: err}
}

// truncatedError is an error whose message was shortened; Unwrap gives the
// original.
type truncatedError struct {
	msg string
	err error
}

func (e truncatedError) Error() string { return e.msg }
func (e truncatedError) Unwrap() error { return e.err }
