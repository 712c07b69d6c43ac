package adapt

import (
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"
)

// HeaderSpec is Easegress's httpheader.AdaptSpec (the header field of the
// adaptor filters): edits applied in the order del, set, add.
type HeaderSpec struct {
	// Del lists header names to remove.
	Del []string `json:"del,omitempty" jsonschema:"description=header names to remove"`
	// Set replaces (or creates) headers: name to value.
	Set map[string]string `json:"set,omitempty" jsonschema:"description=headers to replace or create: name to value"`
	// Add appends header values: name to value.
	Add map[string]string `json:"add,omitempty" jsonschema:"description=header values to append: name to value"`
}

// Validate checks that names are HTTP tokens and values hold no control
// characters that would split a header.
func (s *HeaderSpec) Validate() error {
	for i, name := range s.Del {
		if !ValidHeaderName(name) {
			return At("del["+strconv.Itoa(i)+"]", errorf("%q is not a valid header name", name))
		}
	}
	for _, part := range []struct {
		field string
		m     map[string]string
	}{{"set", s.Set}, {"add", s.Add}} {
		for _, name := range sortedKeys(part.m) {
			if !ValidHeaderName(name) {
				return At(part.field, errorf("%q is not a valid header name", name))
			}
			if !ValidHeaderValue(part.m[name]) {
				return At(JoinPath(part.field, name), errorf("header value must not contain CR, LF or NUL"))
			}
		}
	}
	return nil
}

// IsEmpty reports whether s makes no edit.
func (s *HeaderSpec) IsEmpty() bool {
	return s == nil || len(s.Del) == 0 && len(s.Set) == 0 && len(s.Add) == 0
}

// Compile returns the compiled edits. Set and add entries are applied in
// name order. Call Validate first: Compile does not check.
func (s *HeaderSpec) Compile() *Header {
	h := &Header{}
	if s == nil {
		return h
	}
	for _, name := range s.Del {
		h.del = append(h.del, headerKV{key: []byte(name), host: isHost(name)})
	}
	for _, name := range sortedKeys(s.Set) {
		h.set = append(h.set, headerKV{key: []byte(name), value: []byte(s.Set[name]), host: isHost(name)})
	}
	for _, name := range sortedKeys(s.Add) {
		h.add = append(h.add, headerKV{key: []byte(name), value: []byte(s.Add[name]), host: isHost(name)})
	}
	return h
}

// Header is a compiled HeaderSpec. It is immutable; applying it does not
// allocate once the target header has grown to its working size.
type Header struct {
	del, set, add []headerKV
}

type headerKV struct {
	key, value []byte
	host       bool // the key is Host: requests also set the URI host
}

// IsEmpty reports whether h makes no edit.
func (h *Header) IsEmpty() bool {
	return h == nil || len(h.del) == 0 && len(h.set) == 0 && len(h.add) == 0
}

// ApplyRequest edits the request header. Setting or adding Host also sets
// the URI host, which fasthttp sends in preference to the header.
func (h *Header) ApplyRequest(req *fasthttp.Request) {
	if h == nil {
		return
	}
	for i := range h.del {
		req.Header.DelBytes(h.del[i].key)
	}
	for i := range h.set {
		kv := &h.set[i]
		req.Header.SetBytesKV(kv.key, kv.value)
		if kv.host {
			req.URI().SetHostBytes(kv.value)
		}
	}
	for i := range h.add {
		kv := &h.add[i]
		if kv.host {
			// A request has one host: adding it is setting it.
			req.Header.SetHostBytes(kv.value)
			req.URI().SetHostBytes(kv.value)
			continue
		}
		req.Header.AddBytesKV(kv.key, kv.value)
	}
}

// ApplyResponse edits a response header.
func (h *Header) ApplyResponse(rh *fasthttp.ResponseHeader) {
	if h == nil {
		return
	}
	for i := range h.del {
		rh.DelBytes(h.del[i].key)
	}
	for i := range h.set {
		rh.SetBytesKV(h.set[i].key, h.set[i].value)
	}
	for i := range h.add {
		rh.AddBytesKV(h.add[i].key, h.add[i].value)
	}
}

// ValidHeaderName reports whether name is a non-empty HTTP token.
func ValidHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return false
		}
	}
	return true
}

// ValidHeaderValue reports whether v can be sent as a header value: no CR,
// LF or NUL.
func ValidHeaderValue(v string) bool {
	return !strings.ContainsAny(v, "\r\n\x00")
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isHost(name string) bool {
	return strings.EqualFold(name, fasthttp.HeaderHost)
}
