package admin_test

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/goccy/go-yaml"
)

// call is one request of the endpoint tables and what it must answer.
type call struct {
	method, path, body string
	headers            []string
	code               int
	// ctype is the expected media type; "" means JSON, or YAML for the
	// YAML pass.
	ctype string
	// fixed marks endpoints whose content type does not follow Accept.
	fixed bool
}

const mockPipeline = "kind: Pipeline\nname: %s\nfilters: [{name: m, kind: Mock, rules: [{code: 200, body: hi}]}]\n"

// successCalls covers every endpoint with a request that succeeds; they
// run in order on one node (object writes first create, then change, then
// delete ct-<suffix>).
func successCalls(suffix string) []call {
	name := "ct-" + suffix
	doc := fmt.Sprintf(mockPipeline, name)
	p := admin.Prefix
	return []call{
		{method: "POST", path: p + "/objects", body: doc, headers: []string{"Content-Type", "application/yaml"}, code: 201},
		{method: "GET", path: p + "/objects", code: 200},
		{method: "GET", path: p + "/objects?kind=Pipeline", code: 200},
		{method: "GET", path: p + "/objects/" + name, code: 200},
		{method: "PUT", path: p + "/objects/" + name, body: doc + "labels: {a: b}\n", code: 200},
		{method: "PUT", path: p + "/objects", body: doc, code: 200},
		{method: "HEAD", path: p + "/objects/" + name, code: 200},
		{method: "GET", path: p + "/object-kinds", code: 200},
		{method: "GET", path: p + "/object-api-resources", code: 200},
		{method: "GET", path: p + "/kinds", code: 200},
		{method: "GET", path: p + "/kinds?class=filter&schema=false", code: 200},
		{method: "GET", path: p + "/kinds/Proxy", code: 200},
		{method: "GET", path: p + "/kinds/httpserver/schema", code: 200, ctype: admin.ContentTypeSchema, fixed: true},
		{method: "GET", path: p + "/status/objects", code: 200},
		{method: "GET", path: p + "/status/objects/" + name, code: 200},
		{method: "GET", path: p + "/status/node/objects", code: 200},
		{method: "GET", path: p + "/status/members", code: 200},
		{method: "GET", path: p + "/healthz", code: 200},
		{method: "GET", path: p + "/readyz", code: 200},
		{method: "GET", path: "/healthz", code: 200},
		{method: "GET", path: "/readyz", code: 200},
		{method: "GET", path: p + "/version", code: 200},
		{method: "GET", path: p + "/logs/level", code: 200},
		{method: "PUT", path: p + "/logs/level", body: `{"level":"warn"}`, headers: []string{"Content-Type", "application/json"}, code: 200},
		{method: "GET", path: p + "/metrics", code: 200, ctype: "text/plain", fixed: true},
		{method: "GET", path: "/metrics", code: 200, ctype: "text/plain", fixed: true},
		{method: "GET", path: p + "/debug/pprof/", code: 200, ctype: "text/html", fixed: true},
		{method: "GET", path: p + "/debug/pprof/cmdline", code: 200, ctype: "text/plain", fixed: true},
		{method: "GET", path: p + "/debug/pprof/heap", code: 200, ctype: "application/octet-stream", fixed: true},
		{method: "GET", path: p + "/debug/pprof/goroutine?debug=1", code: 200, ctype: "text/plain", fixed: true},
		{method: "GET", path: p + "/debug/pprof/symbol", code: 200, ctype: "text/plain", fixed: true},
		{method: "GET", path: p + "/debug/pprof/profile?seconds=1", code: 200, ctype: "application/octet-stream", fixed: true},
		{method: "GET", path: p + "/debug/pprof/trace?seconds=1", code: 200, ctype: "application/octet-stream", fixed: true},
		{method: "DELETE", path: p + "/objects/" + name, code: 200},
	}
}

// errorCalls covers the failures of every endpoint family; each must be a
// problem document.
func errorCalls() []call {
	p := admin.Prefix
	doc := fmt.Sprintf(mockPipeline, "err-obj")
	return []call{
		{method: "GET", path: p + "/objects/missing", code: 404},
		{method: "POST", path: p + "/objects", body: "kind: Pipeline\nname: bad\nfilters: [{name: m, kind: Mock, rules: [{code: 200, bogus: 1}]}]\n", code: 400},
		{method: "POST", path: p + "/objects", body: "kind: [\n", code: 400},
		{method: "POST", path: p + "/objects", body: "", code: 400},
		{method: "POST", path: p + "/objects", body: doc, headers: []string{"Content-Type", "image/png"}, code: 415},
		{method: "PUT", path: p + "/objects/other", body: doc, code: 400},
		{method: "PUT", path: p + "/objects/err-missing", body: fmt.Sprintf(mockPipeline, "err-missing"), code: 404},
		{method: "PUT", path: p + "/objects", body: doc, headers: []string{"If-Match", "abc"}, code: 400},
		{method: "DELETE", path: p + "/objects/missing", code: 404},
		{method: "PATCH", path: p + "/objects", code: 405},
		{method: "GET", path: p + "/kinds/Nope", code: 404},
		{method: "GET", path: p + "/kinds?class=gadget", code: 400},
		{method: "GET", path: p + "/kinds/Nope/schema", code: 404},
		{method: "GET", path: p + "/status/objects/missing", code: 404},
		{method: "POST", path: p + "/status/members", code: 405},
		{method: "PUT", path: p + "/logs/level", body: `{"level":"loud"}`, code: 400},
		{method: "DELETE", path: p + "/healthz", code: 405},
		{method: "POST", path: p + "/metrics", code: 405},
		{method: "GET", path: p + "/debug/pprof/nope", code: 404},
		{method: "GET", path: p + "/debug/pprof/profile?seconds=x", code: 400},
		{method: "GET", path: p + "/nowhere", code: 404},
		{method: "GET", path: "/", code: 404},
	}
}

// mediaType returns the media type of a Content-Type value.
func mediaType(t *testing.T, ct string) string {
	t.Helper()
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", ct, err)
	}
	return mt
}

func TestEveryEndpointAnswersItsDeclaredContentType(t *testing.T) {
	n := startNode(t)
	for pass, accept := range []string{"", "application/json", "application/yaml"} {
		for _, c := range successCalls(fmt.Sprint(pass)) {
			headers := append([]string{"Accept", accept}, c.headers...)
			r := do(t, c.method, n.base+c.path, c.body, headers...)
			if r.code != c.code {
				t.Fatalf("%s %s (Accept %q): status %d, want %d: %s", c.method, c.path, accept, r.code, c.code, r.body)
			}
			want := c.ctype
			if want == "" {
				want = admin.ContentTypeJSON
				if accept == "application/yaml" {
					want = admin.ContentTypeYAML
				}
			}
			if got := mediaType(t, r.hdr.Get("Content-Type")); got != want {
				t.Errorf("%s %s (Accept %q): Content-Type %s, want %s", c.method, c.path, accept, got, want)
			}
			if c.method == "HEAD" || c.fixed {
				continue
			}
			var v any
			var err error
			if want == admin.ContentTypeYAML {
				err = yaml.Unmarshal([]byte(r.body), &v)
			} else {
				err = json.Unmarshal([]byte(r.body), &v)
			}
			if err != nil {
				t.Errorf("%s %s: body is not %s: %v\n%s", c.method, c.path, want, err, r.body)
			}
		}
	}
}

func TestEveryErrorIsAProblemDocument(t *testing.T) {
	n := startNode(t)
	// An object for the conflicting writes below.
	if r := do(t, "POST", n.base+admin.Prefix+"/objects", fmt.Sprintf(mockPipeline, "err-obj")); r.code != 201 {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	// Changed after revision 1, so edits based on revision 1 are stale.
	if r := do(t, "PUT", n.base+admin.Prefix+"/objects", fmt.Sprintf(mockPipeline, "err-obj")+"labels: {v: '2'}\n"); r.code != 200 || r.hdr.Get(admin.HeaderConfigVersion) == "1" {
		t.Fatalf("update: %d %s", r.code, r.body)
	}
	calls := errorCalls()
	doc := fmt.Sprintf(mockPipeline, "err-obj")
	calls = append(calls,
		call{method: "POST", path: admin.Prefix + "/objects", body: doc, code: 409},
		call{method: "PUT", path: admin.Prefix + "/objects/err-obj", body: doc + "labels: {x: y}\n", headers: []string{"If-Match", `"1"`}, code: 409},
		call{method: "DELETE", path: admin.Prefix + "/objects/err-obj", headers: []string{"If-Match", "1"}, code: 409},
	)
	for _, accept := range []string{"", "application/yaml"} {
		for _, c := range calls {
			headers := append([]string{"Accept", accept}, c.headers...)
			r := do(t, c.method, n.base+c.path, c.body, headers...)
			if r.code != c.code {
				t.Fatalf("%s %s: status %d, want %d: %s", c.method, c.path, r.code, c.code, r.body)
			}
			if got := mediaType(t, r.hdr.Get("Content-Type")); got != admin.ContentTypeProblem {
				t.Errorf("%s %s (Accept %q): Content-Type %s, want %s", c.method, c.path, accept, got, admin.ContentTypeProblem)
			}
			var p admin.Problem
			if err := json.Unmarshal([]byte(r.body), &p); err != nil {
				t.Fatalf("%s %s: not a problem document: %v\n%s", c.method, c.path, err, r.body)
			}
			if p.Status != c.code || !strings.HasPrefix(string(p.Type), "urn:gatewright:problem:") || p.Detail == "" || p.Title == "" {
				t.Errorf("%s %s: incomplete problem %+v", c.method, c.path, p)
			}
		}
	}
}

func TestValidationProblemNamesObjectAndField(t *testing.T) {
	n := startNode(t)
	body := "kind: Pipeline\nname: broken\nfilters:\n- {name: m, kind: Mock, rules: [{code: 200, bogus: 1}]}\n"
	r := do(t, "POST", n.base+admin.Prefix+"/objects", body)
	var p admin.Problem
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != admin.ProblemInvalidObject || p.Object != `Pipeline "broken"` {
		t.Fatalf("problem %+v", p)
	}
	for _, want := range []string{`Pipeline "broken"`, `filters[0] "m"`, "rules[0]", `unknown field "bogus"`} {
		if !strings.Contains(p.Detail, want) {
			t.Errorf("detail %q lacks %q", p.Detail, want)
		}
	}
	// Nothing was stored.
	if r := do(t, "GET", n.base+admin.Prefix+"/objects/broken", ""); r.code != 404 {
		t.Fatalf("invalid object stored: %d %s", r.code, r.body)
	}
}
