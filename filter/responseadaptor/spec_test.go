package responseadaptor

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

const fullSpec = `{"header": {"del": ["X-Powered-By"], "set": {"Server": "gatewright"}, "add": {"Vary": "Origin"}},
	"body": "busy, retry later", "decompress": "gzip",
	"template": "body: <% .response.StatusCode | quote %>", "leftDelim": "<%", "rightDelim": "%>"}`

func TestSpecRoundTrip(t *testing.T) {
	body, err := filtertest.Decode(Kind, fullSpec)
	if err != nil {
		t.Fatal(err)
	}
	s := body.(*Spec)
	if s.Header.Set["Server"] != "gatewright" || s.Body != "busy, retry later" || s.Decompress != "gzip" || s.RightDelim != "%>" {
		t.Fatalf("decoded %+v", s)
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := filtertest.Decode(Kind, string(js))
	if err != nil {
		t.Fatalf("re-decoding %s: %v", js, err)
	}
	if !reflect.DeepEqual(s, again) {
		t.Fatalf("round trip changed the spec:\n%+v\n%+v", s, again)
	}
	if _, err := filtertest.Decode(Kind, `{"body": "", "compress": "", "decompress": "", "template": "", "leftDelim": "", "rightDelim": ""}`); err != nil {
		t.Fatalf("empty strings, as Easegress writes them: %v", err)
	}
}

func TestSpecInvalid(t *testing.T) {
	for _, tc := range []struct{ name, spec, want string }{
		{"unknown field", `{"headers": {}}`, `unknown field "headers"`},
		{"request field", `{"method": "GET"}`, `unknown field "method"`},
		{"unknown nested field", `{"header": {"replace": {}}}`, `header: unknown field "replace"`},
		{"wrong type", `{"body": {"a": 1}}`, `body: expected string`},
		{"wrong nested type", `{"header": {"set": ["a"]}}`, `header.set: expected object`},
		{"compress and decompress", `{"compress": "gzip", "decompress": "gzip"}`, `decompress: cannot be set together with compress`},
		{"compress not gzip", `{"compress": "deflate"}`, `compress: value must be one of`},
		{"bad header value", `{"header": {"set": {"X-A": "a\nb"}}}`, `header.set.X-A: header value`},
		{"bad template", `{"template": "{{ end }}"}`, `template: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := filtertest.Decode(Kind, tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
