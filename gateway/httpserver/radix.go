package httpserver

import (
	"bytes"
	"regexp"
)

// radixTree is the compiled routerKind RadixTree index of one rule's
// paths. It is built once per generation and read-only afterwards.
//
// Static text is stored in compressed edges (a node's prefix); parameters
// and the tail wildcard hang off the node where their pattern reached
// them. At every node the search tries, in this order: the routes whose
// pattern ends there (when the whole path is consumed), the static child,
// the regexp parameters, the plain parameters and the wildcard routes; a
// branch that yields no winner is left and the next one is tried. That
// gives the per-segment priority literal, regexp, parameter, wildcard,
// independent of declaration order.
type radixTree struct {
	root radixNode
}

// radixNode is a node of the tree.
type radixNode struct {
	prefix  []byte       // static text consumed to enter the node
	labels  []byte       // labels[i] is statics[i].prefix[0]
	statics []*radixNode // static children, one per first byte
	regexps []*radixParam
	params  []*radixParam
	// ends and wildcard list the rule's path indices whose pattern ends
	// here, exactly or with '*', in declaration order.
	ends     []int32
	wildcard []int32
}

// radixParam is a parameter edge: the value runs up to the first tail
// byte (or the end of the path when tail is '/').
type radixParam struct {
	tail byte
	expr string         // "" for a plain parameter
	re   *regexp.Regexp // anchored; nil for a plain parameter
	next radixNode      // what follows the value
}

// paramSpan locates a captured value in the request path: path[start:end].
// Offsets, not slices, so that nothing keeps the request's bytes.
type paramSpan struct {
	start, end int
}

// insert adds the pattern of path index idx.
func (t *radixTree) insert(toks []patternToken, idx int32) {
	n := &t.root
	for _, tok := range toks {
		switch tok.kind {
		case tokLiteral:
			n = n.literal([]byte(tok.text))
		case tokParam:
			n = &n.param(tok).next
		case tokWildcard:
			n.wildcard = append(n.wildcard, idx)
			return
		}
	}
	n.ends = append(n.ends, idx)
}

// literal returns the node reached from n by the static text lit,
// creating and splitting nodes as needed.
func (n *radixNode) literal(lit []byte) *radixNode {
	for len(lit) > 0 {
		i := bytes.IndexByte(n.labels, lit[0])
		if i < 0 {
			c := &radixNode{prefix: lit}
			n.labels = append(n.labels, lit[0])
			n.statics = append(n.statics, c)
			return c
		}
		c := n.statics[i]
		k := commonPrefix(lit, c.prefix)
		if k < len(c.prefix) {
			// Split c: a new node holds the shared text, c keeps the
			// rest with everything that hangs off it.
			m := &radixNode{prefix: c.prefix[:k:k], labels: []byte{c.prefix[k]}, statics: []*radixNode{c}}
			c.prefix = c.prefix[k:]
			n.statics[i] = m
			c = m
		}
		n, lit = c, lit[k:]
	}
	return n
}

// param returns n's edge for a parameter of tok's kind, expression and
// tail, adding it if needed. Edges whose value ends inside the segment
// (tail other than '/', as in {id}.json) come before those spanning the
// segment; otherwise declaration order holds.
func (n *radixNode) param(tok patternToken) *radixParam {
	list := &n.params
	if tok.re != nil {
		list = &n.regexps
	}
	for _, e := range *list {
		if e.tail == tok.tail && e.expr == tok.expr {
			return e
		}
	}
	e := &radixParam{tail: tok.tail, expr: tok.expr, re: tok.re}
	at := len(*list)
	if e.tail != '/' {
		for i, o := range *list {
			if o.tail == '/' {
				at = i
				break
			}
		}
	}
	*list = append(*list, nil)
	copy((*list)[at+1:], (*list)[at:])
	(*list)[at] = e
	return e
}

// commonPrefix returns the length of the common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// search returns the first route, in priority order, whose pattern
// matches the path and whose other conditions hold; in.caps[:in.ncaps]
// then holds its captures, as offsets into the path. paths are the rule's
// routes, which the tree indexes.
//
// Captured values are written to in.caps[in.ncaps] and dropped again
// (ncaps restored) when their branch yields no winner. in.caps is long
// enough for the deepest pattern (snapshot.maxCaps), so the search never
// appends. paths and in are separate arguments, not fields of one search
// struct, so that escape analysis keeps in on the handler's stack.
func (t *radixTree) search(paths []route, in *routeInput) *route {
	return t.root.find(in.path, paths, in)
}

// find searches below n; rest is the path not consumed yet.
func (n *radixNode) find(rest []byte, paths []route, in *routeInput) *route {
	if len(rest) == 0 {
		if r := tryRoutes(n.ends, paths, in); r != nil {
			return r
		}
	} else {
		if i := bytes.IndexByte(n.labels, rest[0]); i >= 0 {
			if c := n.statics[i]; bytes.HasPrefix(rest, c.prefix) {
				if r := c.find(rest[len(c.prefix):], paths, in); r != nil {
					return r
				}
			}
		}
		if r := findParam(n.regexps, rest, paths, in); r != nil {
			return r
		}
		if r := findParam(n.params, rest, paths, in); r != nil {
			return r
		}
	}
	if len(n.wildcard) > 0 {
		mark := in.ncaps
		in.capture(rest, len(rest))
		if r := tryRoutes(n.wildcard, paths, in); r != nil {
			return r
		}
		in.ncaps = mark
	}
	return nil
}

// findParam tries parameter edges. A value is not empty, holds no '/' and
// ends at the first tail byte (for tail '/', at the end of the path when
// there is none).
func findParam(edges []*radixParam, rest []byte, paths []route, in *routeInput) *route {
	for _, e := range edges {
		end := bytes.IndexByte(rest, e.tail)
		if end < 0 {
			if e.tail != '/' {
				continue
			}
			end = len(rest)
		}
		v := rest[:end]
		if len(v) == 0 || (e.tail != '/' && bytes.IndexByte(v, '/') >= 0) {
			continue
		}
		if e.re != nil && !e.re.Match(v) {
			continue
		}
		mark := in.ncaps
		in.capture(rest, end)
		if r := e.next.find(rest[end:], paths, in); r != nil {
			return r
		}
		in.ncaps = mark
	}
	return nil
}

// capture records the first n bytes of rest, the unconsumed end of the
// path, as the next captured value.
func (in *routeInput) capture(rest []byte, n int) {
	start := len(in.path) - len(rest)
	if in.ncaps < len(in.caps) {
		in.caps[in.ncaps] = paramSpan{start: start, end: start + n}
	}
	in.ncaps++
}

// tryRoutes returns the first of the listed routes whose conditions hold.
func tryRoutes(idx []int32, paths []route, in *routeInput) *route {
	for _, i := range idx {
		if p := &paths[i]; p.admit(in) {
			return p
		}
	}
	return nil
}
