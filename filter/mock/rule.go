package mock

import (
	"bytes"
	"maps"
	"slices"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/valyala/fasthttp"
)

// rule is a compiled Rule: everything the request path needs, as bytes.
type rule struct {
	path       []byte // exact path, or nil
	pathPrefix []byte // path prefix, or nil
	headers    *adapt.HeaderMatch

	code    int
	reply   []replyHeader
	body    []byte
	delay   time.Duration
	hasBody bool
}

type replyHeader struct {
	name, value []byte
}

// compileRule prepares r; r must be valid.
func compileRule(r *Rule) (*rule, error) {
	hm, err := adapt.CompileHeaderMatch(r.Match.Headers, r.Match.MatchAllHeaders)
	if err != nil {
		return nil, adapt.At("match.headers", err)
	}
	c := &rule{
		headers: hm,
		code:    r.Code,
		body:    []byte(r.Body),
		hasBody: r.Body != "",
		delay:   r.Delay.D(),
	}
	if r.Match.Path != "" {
		c.path = []byte(r.Match.Path)
	}
	if r.Match.PathPrefix != "" {
		c.pathPrefix = []byte(r.Match.PathPrefix)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		c.reply = append(c.reply, replyHeader{name: []byte(name), value: []byte(r.Headers[name])})
	}
	return c, nil
}

// matchPath reports whether path satisfies the path conditions: equal to
// match.path or starting with match.pathPrefix; with neither, any path.
func (r *rule) matchPath(path []byte) bool {
	if r.path == nil && r.pathPrefix == nil {
		return true
	}
	if r.path != nil && bytes.Equal(path, r.path) {
		return true
	}
	return r.pathPrefix != nil && bytes.HasPrefix(path, r.pathPrefix)
}

// match reports whether the rule answers req.
func (r *rule) match(req *fasthttp.Request) bool {
	return r.matchPath(req.URI().Path()) && r.headers.MatchRequest(&req.Header)
}

// write fills resp, which must be empty, with the canned reply.
func (r *rule) write(resp *fasthttp.Response) {
	resp.SetStatusCode(r.code)
	for i := range r.reply {
		resp.Header.SetBytesKV(r.reply[i].name, r.reply[i].value)
	}
	if r.hasBody {
		resp.SetBody(r.body)
	}
}
