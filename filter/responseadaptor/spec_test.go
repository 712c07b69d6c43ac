package responseadaptor

import (
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

const fullSpec = `{"header": {"del": ["X-Powered-By"], "set": {"Server": "gatewright"}, "add": {"Vary": "Origin"}},
	"body": "busy, retry later", "decompress": "gzip",
	"template": "body: <% .response.StatusCode | quote %>", "leftDelim": "<%", "rightDelim": "%>"}`

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), fullSpec).(*Spec)
	if s.Header.Set["Server"] != "gatewright" || s.Body != "busy, retry later" || s.Decompress != "gzip" || s.RightDelim != "%>" {
		t.Fatalf("decoded %+v", s)
	}
	if _, err := filtertest.Decode(Kind, `{"body": "", "compress": "", "decompress": "", "template": "", "leftDelim": "", "rightDelim": ""}`); err != nil {
		t.Fatalf("empty strings, as Easegress writes them: %v", err)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"unknown field", `{"headers": {}}`, `unknown field "headers"`},
		{"request field", `{"method": "GET"}`, `unknown field "method"`},
		{"unknown nested field", `{"header": {"replace": {}}}`, `header: unknown field "replace"`},
		{"wrong type", `{"body": {"a": 1}}`, `body: expected string`},
		{"wrong nested type", `{"header": {"set": ["a"]}}`, `header.set: expected object`},
		{"compress and decompress", `{"compress": "gzip", "decompress": "gzip"}`, `decompress: cannot be set together with compress`},
		{"compress not gzip", `{"compress": "deflate"}`, `compress: value must be one of`},
		{"bad header value", `{"header": {"set": {"X-A": "a\nb"}}}`, `header.set.X-A: header value`},
		{"bad template", `{"template": "{{ end }}"}`, `template: `},
	})
}
