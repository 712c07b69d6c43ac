package requestadaptor

import (
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

const fullSpec = `{"method": "POST", "host": "api.internal",
	"path": {"replace": "/r", "addPrefix": "/a", "trimPrefix": "/t", "regexpReplace": {"regexp": "^/x/(.*)$", "replace": "/y/$1"}},
	"header": {"del": ["Cookie"], "set": {"X-Api-Version": "2"}, "add": {"Via": "gw"}},
	"body": "hello", "compress": "gzip",
	"template": "body: [[ .request.Path | quote ]]", "leftDelim": "[[", "rightDelim": "]]"}`

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), fullSpec).(*Spec)
	if s.Method != "POST" || s.Path.RegexpReplace.Replace != "/y/$1" || s.Header.Set["X-Api-Version"] != "2" || s.LeftDelim != "[[" {
		t.Fatalf("decoded %+v", s)
	}
	// Easegress writes empty strings for unset fields; they load.
	if _, err := filtertest.Decode(Kind, `{"method": "", "host": "", "body": "", "compress": "", "decompress": "gzip", "leftDelim": "", "rightDelim": ""}`); err != nil {
		t.Fatal(err)
	}
	if _, err := filtertest.Decode(Kind, ``); err != nil {
		t.Fatalf("an empty spec is valid: %v", err)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"unknown field", `{"hosts": "x"}`, `unknown field "hosts"`},
		{"sign is not implemented", `{"sign": {"apiProvider": "aws4"}}`, `unknown field "sign"`},
		{"unknown nested field", `{"header": {"remove": ["a"]}}`, `header: unknown field "remove"`},
		{"wrong type", `{"body": 3}`, `body: expected string`},
		{"wrong nested type", `{"header": {"del": "Cookie"}}`, `header.del: expected array`},
		{"compress and decompress", `{"compress": "gzip", "decompress": "gzip"}`, `decompress: cannot be set together with compress`},
		{"decompress with body", `{"decompress": "gzip", "body": "x"}`, `decompress: cannot be set together with body`},
		{"compress not gzip", `{"compress": "br"}`, `compress: value must be one of`},
		{"lower-case method", `{"method": "get"}`, `method: value must be one of`},
		{"missing regexp", `{"path": {"regexpReplace": {"replace": "/x"}}}`, `path.regexpReplace: required field "regexp" is missing`},
		{"bad regexp", `{"path": {"regexpReplace": {"regexp": "("}}}`, `path.regexpReplace.regexp: invalid regular expression`},
		{"prefix without slash", `{"path": {"addPrefix": "v2"}}`, `path.addPrefix`},
		{"bad header name", `{"header": {"set": {"X A": "1"}}}`, `header.set: "X A" is not a valid header name`},
		{"header injection", `{"header": {"add": {"X-A": "1\nX-B: 2"}}}`, `header.add.X-A: header value must not contain`},
		{"host injection", `{"host": "a\r\nb"}`, `host: must not contain`},
		{"bad template", `{"template": "{{ .x "}`, `template: template: template:1: unclosed action`},
		{"template with other delims", `{"template": "[[ .x ", "leftDelim": "[[", "rightDelim": "]]"}`, `template: `},
	})
}
