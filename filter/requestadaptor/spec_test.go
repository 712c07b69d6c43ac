package requestadaptor

import (
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

const fullSpec = `{"method": "POST", "host": "api.internal",
	"path": {"replace": "/r", "addPrefix": "/a", "trimPrefix": "/t", "regexpReplace": {"regexp": "^/x/(.*)$", "replace": "/y/$1"}},
	"header": {"del": ["Cookie"], "set": {"X-Api-Version": "2"}, "add": {"Via": "gw"}},
	"body": "hello", "compress": "gzip",
	"sign": {"apiProvider": "aws4", "scopes": ["us-east-1", "s3"], "accessKeyId": "AKID", "accessKeySecret": "SECRET",
		"excludeBody": true, "ignoredHeaders": ["X-Trace"], "ttl": "5m", "accessKeys": {"k": "s"},
		"headerHoisting": {"allowedPrefix": ["X-Amz-"], "disallowedPrefix": ["X-Amz-Meta-"], "disallowed": ["Range"]}},
	"template": "body: [[ .request.Path | quote ]]", "leftDelim": "[[", "rightDelim": "]]"}`

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), fullSpec).(*Spec)
	if s.Method != "POST" || s.Path.RegexpReplace.Replace != "/y/$1" || s.Header.Set["X-Api-Version"] != "2" || s.LeftDelim != "[[" ||
		s.Sign.APIProvider != "aws4" || s.Sign.Scopes[1] != "s3" || s.Sign.AccessKeySecret != "SECRET" || !s.Sign.ExcludeBody ||
		s.Sign.HeaderHoisting.Disallowed[0] != "Range" {
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

// TestSpecSignEasegressExamples loads sign fields as Easegress users
// write them.
func TestSpecSignEasegressExamples(t *testing.T) {
	for _, spec := range []string{
		`{"sign": {"apiProvider": "aws4", "scopes": ["us-east-1", "s3"], "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "accessKeySecret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}`,
		`{"sign": {"accessKeyId": "client-1", "accessKeySecret": "s3cr3t", "scopes": ["eu-west", "orders"], "ignoredHeaders": ["X-Trace"], "excludeBody": false, "ttl": ""}}`,
		`{"sign": {"apiProvider": "", "accessKeyId": "k", "accessKeySecret": "s", "literal": {"scopeSuffix": "megaease_request",
			"algorithmName": "X-Me-Algorithm", "algorithmValue": "ME-HMAC-SHA256", "signedHeaders": "X-Me-SignedHeaders",
			"signature": "X-Me-Signature", "date": "X-Me-Date", "expires": "X-Me-Expires", "credential": "X-Me-Credential",
			"contentSha256": "X-Me-Content-Sha256", "signingKeyPrefix": "ME"}}}`,
		// aws4 with AWS's own literal spelled out is the same thing.
		`{"sign": {"apiProvider": "aws4", "scopes": ["eu-west-1", "execute-api"], "accessKeyId": "k", "accessKeySecret": "s",
			"literal": {"scopeSuffix": "aws4_request", "algorithmName": "X-Amz-Algorithm", "algorithmValue": "AWS4-HMAC-SHA256",
			"signedHeaders": "X-Amz-SignedHeaders", "signature": "X-Amz-Signature", "date": "X-Amz-Date", "expires": "X-Amz-Expires",
			"credential": "X-Amz-Credential", "contentSha256": "X-Amz-Content-Sha256", "signingKeyPrefix": "AWS4"}}}`,
	} {
		if _, err := filtertest.Decode(Kind, spec); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"unknown field", `{"hosts": "x"}`, `unknown field "hosts"`},
		{"sign without key ID", `{"sign": {"accessKeySecret": "s"}}`, `sign.accessKeyId: required`},
		{"sign without secret", `{"sign": {"accessKeyId": "k"}}`, `sign.accessKeySecret: required`},
		{"sign key ID with slash", `{"sign": {"accessKeyId": "a/b", "accessKeySecret": "s"}}`, `sign.accessKeyId: must not contain`},
		{"sign unknown provider", `{"sign": {"apiProvider": "gcp", "accessKeyId": "k", "accessKeySecret": "s"}}`, `sign.apiProvider: value must be one of`},
		{"sign aws4 without scopes", `{"sign": {"apiProvider": "aws4", "accessKeyId": "k", "accessKeySecret": "s"}}`, `sign.scopes: apiProvider aws4 needs the AWS region and service`},
		{"sign aws4 with another literal", `{"sign": {"apiProvider": "aws4", "scopes": ["r", "s"], "accessKeyId": "k", "accessKeySecret": "s",
			"literal": {"scopeSuffix": "x", "algorithmName": "A", "algorithmValue": "V", "signedHeaders": "H", "signature": "S",
			"date": "D", "expires": "E", "credential": "C", "contentSha256": "X"}}}`, `sign.literal: apiProvider aws4 presets AWS's wire names`},
		{"sign bad scope", `{"sign": {"scopes": ["eu", "a/b"], "accessKeyId": "k", "accessKeySecret": "s"}}`, `sign.scopes[1]: must be non-empty without`},
		{"sign partial literal", `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "literal": {"scopeSuffix": "x"}}}`, `sign.literal: required fields missing`},
		{"sign bad date header", `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "literal": {"scopeSuffix": "x", "algorithmName": "A",
			"algorithmValue": "V", "signedHeaders": "H", "signature": "S", "date": "X Date", "expires": "E", "credential": "C", "contentSha256": "X"}}}`, `sign.literal.date: "X Date" is not a valid header name`},
		{"sign bad content hash header", `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "literal": {"scopeSuffix": "x", "algorithmName": "A",
			"algorithmValue": "V", "signedHeaders": "H", "signature": "S", "date": "D", "expires": "E", "credential": "C", "contentSha256": "X:Y"}}}`, `sign.literal.contentSha256: "X:Y" is not a valid header name`},
		{"sign negative ttl", `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "ttl": "-1s"}}`, `sign.ttl: must not be negative`},
		{"sign bad ignored header", `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "ignoredHeaders": ["ok", "no good"]}}`, `sign.ignoredHeaders[1]: "no good" is not a valid header name`},
		{"sign unknown field", `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "region": "eu"}}`, `sign: unknown field "region"`},
		{"sign wrong type", `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "scopes": "eu"}}`, `sign.scopes: expected array`},
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
