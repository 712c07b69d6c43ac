package httpserver

import (
	"fmt"
	"strings"
	"testing"
)

// describeTokens renders parsed tokens compactly: literals as text,
// parameters as {name|tail} or {name:expr|tail}, the wildcard as *.
func describeTokens(toks []patternToken) string {
	var b strings.Builder
	for _, t := range toks {
		switch t.kind {
		case tokLiteral:
			b.WriteString(t.text)
		case tokParam:
			b.WriteString("{" + t.text)
			if t.expr != "" {
				b.WriteString(":" + t.expr)
			}
			b.WriteString("|" + string(t.tail) + "}")
		case tokWildcard:
			b.WriteString("*")
		}
	}
	return b.String()
}

func TestParsePattern(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    string // tokens, or the error's text
		fails   bool
	}{
		{pattern: "/", want: "/"},
		{pattern: "/a/b", want: "/a/b"},
		{pattern: "/u/{id}", want: "/u/{id|/}"},
		{pattern: "/u/{id}/x", want: "/u/{id|/}/x"},
		{pattern: "/u/{id:[0-9]+}", want: "/u/{id:[0-9]+|/}"},
		{pattern: "/u/{id:[0-9]{2,4}}/x", want: "/u/{id:[0-9]{2,4}|/}/x"},
		{pattern: "/files/*", want: "/files/*"},
		{pattern: "/files*", want: "/files*"},
		{pattern: "/f/{name}.{ext}", want: "/f/{name|.}.{ext|/}"},
		{pattern: "/a/{id}:{op}/*", want: "/a/{id|:}:{op|/}/*"},
		{pattern: "/users/{u:[a-z]+}sername/x", want: "/users/{u:[a-z]+|s}sername/x"},
		{pattern: "", want: "must start with /", fails: true},
		{pattern: "a/b", want: "must start with /", fails: true},
		{pattern: "/u/{id", want: "'{' at offset 3 is not closed", fails: true},
		{pattern: "/u/{id:[0-9]{2}", want: "'{' at offset 3 is not closed", fails: true},
		{pattern: "/u/id}", want: "'}' at offset 5 has no matching '{'", fails: true},
		{pattern: "/u/{}", want: "empty parameter name", fails: true},
		{pattern: "/u/{:[0-9]+}", want: "empty parameter name", fails: true},
		{pattern: "/u/{a b}", want: `parameter name "a b"`, fails: true},
		{pattern: "/u/{id:}", want: "parameter {id}: empty regexp", fails: true},
		{pattern: "/u/{id:[0-9}", want: "parameter {id}: invalid regexp", fails: true},
		{pattern: "/u/{id:(}", want: "missing closing )", fails: true},
		{pattern: "/files/*/x", want: "'*' at offset 7 must be the last character", fails: true},
		{pattern: "/a*b", want: "'*' at offset 2 must be the last character", fails: true},
		{pattern: "/u/{id}*", want: "'*' must not follow parameter {id}", fails: true},
		{pattern: "/u/{id}/{id}", want: "duplicate parameter name {id}", fails: true},
		{pattern: "/u/{a}{b}", want: "parameters {a} and {b} must be separated", fails: true},
		{pattern: "/u/{EG_WILDCARD}", want: "{EG_WILDCARD} is reserved", fails: true},
	} {
		toks, err := parsePattern(c.pattern)
		switch {
		case c.fails && err == nil:
			t.Errorf("%q: accepted as %s", c.pattern, describeTokens(toks))
		case c.fails && !strings.Contains(err.Error(), c.want):
			t.Errorf("%q: error %q, want it to mention %q", c.pattern, err, c.want)
		case !c.fails && err != nil:
			t.Errorf("%q: %v", c.pattern, err)
		case !c.fails && describeTokens(toks) != c.want:
			t.Errorf("%q: parsed as %s, want %s", c.pattern, describeTokens(toks), c.want)
		}
	}
}

func TestRewriteTemplate(t *testing.T) {
	toks, err := parsePattern("/u/{id}/f/{name}.{ext}/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ target, want string }{
		{"/static", "[/static]"},
		{"/v2/{id}", "[/v2/]#0"},
		{"/{ext}/{name}/{id}", "[/]#2[/]#1[/]#0"},
		{"/rest/{EG_WILDCARD}?", "[/rest/]#3[?]"},
		{"{id}{id}", "#0#0"},
		{"/x/*", "'*' is not allowed; write {EG_WILDCARD}"},
		{"/x/{nope}", "{nope} is not a parameter of path"},
		{"/x/{id", "'{' at offset 3 is not closed"},
		{"/x/{i{d}", "'{' at offset 3 is not closed"},
		{"/x/id}", "'}' at offset 5 has no matching '{'"},
		{"/x/{id:[0-9]+}", "{id:[0-9]+} is not a parameter"},
	} {
		tpl, err := compileRewriteTemplate(c.target, toks)
		got := ""
		if err != nil {
			got = err.Error()
		}
		for _, p := range tpl {
			if p.capture < 0 {
				got += "[" + string(p.lit) + "]"
			} else {
				got += fmt.Sprintf("#%d", p.capture)
			}
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%q: got %s, want %s", c.target, got, c.want)
		}
	}
	noWildcard, _ := parsePattern("/u/{id}")
	if _, err := compileRewriteTemplate("/{EG_WILDCARD}", noWildcard); err == nil || !strings.Contains(err.Error(), "path has no '*'") {
		t.Errorf("{EG_WILDCARD} without '*': %v", err)
	}
}

// radixPriorityPaths are declared worst-first: the wildcard before the
// parameter before the regexp before the literal, so that only the
// router's priority can make the literal win.
var radixPriorityPaths = []string{
	"{path: /users/*, backend: wildcard}",
	"{path: '/users/{name}/hovercard', backend: param}",
	"{path: '/users/{name:[a-z]+}/hovercard', backend: regexp}",
	"{path: /users/aniaan/hovercard, backend: literal}",
	"{path: '/user/{name}/123', backend: h1}",
	"{path: '/user/wang/{num}', backend: h2}",
	"{path: '/{type}/wang/123', backend: h3}",
	"{path: '/users/{u:[a-z]+}sername/card', backend: inner-regexp}",
	"{path: '/users/u{sername}/card', backend: inner-literal}",
	"{path: '/a/{id}', backend: a-param}",
	"{path: '/a/{id}.json', backend: a-json}",
	"{path: '/a/{id}/x', backend: a-x}",
	"{path: '/a/near', backend: a-near}",
	"{path: '/a/{id}/{op}', backend: a-op}",
	"{path: '/a/{id}:{op}', backend: a-colon}",
	"{path: '/a/{id}:delete', backend: a-delete}",
	"{path: '/f/{file}.{ext}', backend: file}",
	"{path: /files/*, backend: files}",
	"{path: /files, backend: files-exact}",
	"{path: '/n/{id:[0-9]+}', backend: n-digits}",
	"{path: '/n/{id:[0-9]{5}}', backend: n-five}",
	"{path: '/', backend: root}",
}

func radixFields(paths []string) string {
	return "routerKind: RadixTree\nrules:\n- paths:\n  - " + strings.Join(paths, "\n  - ") + "\n"
}

func TestRadixPriority(t *testing.T) {
	cases := []routeCase{
		{name: "literal beats everything", target: "/users/aniaan/hovercard", backend: "literal"},
		{name: "regexp beats parameter", target: "/users/localvar/hovercard", backend: "regexp"},
		{name: "parameter when the regexp fails", target: "/users/12345/hovercard", backend: "param"},
		{name: "wildcard last", target: "/users/test", backend: "wildcard"},
		{name: "wildcard spans segments", target: "/users/a/b/c", backend: "wildcard"},
		{name: "wildcard may be empty", target: "/users/", backend: "wildcard"},
		{name: "wildcard needs its slash", target: "/users", status: 404},
		{name: "per segment, left to right", target: "/user/wang/123", backend: "h2"},
		{name: "parameter in the first segment", target: "/x/wang/123", backend: "h3"},
		{name: "literal prefix inside a segment", target: "/users/username/card", backend: "inner-literal"},
		{name: "regexp inside a segment", target: "/users/bsername/card", backend: "inner-regexp"},
		{name: "literal segment", target: "/a/near", backend: "a-near"},
		{name: "backtrack from a literal prefix", target: "/a/neard", backend: "a-param"},
		{name: "parameter", target: "/a/123", backend: "a-param"},
		{name: "parameter with a suffix", target: "/a/123.json", backend: "a-json"},
		{name: "literal after a parameter", target: "/a/123/x", backend: "a-x"},
		{name: "two parameters", target: "/a/123/y", backend: "a-op"},
		{name: "literal after a delimiter", target: "/a/789:delete", backend: "a-delete"},
		{name: "parameter after a delimiter", target: "/a/789:sync", backend: "a-colon"},
		{name: "trailing slash differs", target: "/a/123/", status: 404},
		{name: "empty parameter", target: "/f/.gz", status: 404},
		{name: "empty parameter, then a wider one", target: "/a/:sync", backend: "a-param"},
		{name: "value ends at the first delimiter", target: "/f/photos.tar.gz", backend: "file"},
		{name: "exact beats the wildcard", target: "/files", backend: "files-exact"},
		{name: "wildcard with the slash", target: "/files/a/b", backend: "files"},
		{name: "regexps in declaration order", target: "/n/12345", backend: "n-digits"},
		{name: "regexp must match the whole value", target: "/n/12a", status: 404},
		{name: "root", target: "/", backend: "root"},
		{name: "no pattern", target: "/zzz", status: 404},
		{name: "query is not part of the path", target: "/a/near?x=1", backend: "a-near"},
	}
	runRouteCases(t, radixFields(radixPriorityPaths), cases)
	// Declaration order does not matter (except between regexps at one
	// position): reversed, everything routes the same.
	reversed := make([]string, 0, len(radixPriorityPaths))
	for i := len(radixPriorityPaths) - 1; i >= 0; i-- {
		reversed = append(reversed, radixPriorityPaths[i])
	}
	for i := range cases {
		if cases[i].target == "/n/12345" {
			cases[i].backend = "n-five"
		}
	}
	runRouteCases(t, radixFields(reversed), cases)
}

func TestRadixConditionsAndStatus(t *testing.T) {
	runRouteCases(t, `routerKind: RadixTree
rules:
- host: internal.com
  ipFilter: {allowIPs: [10.0.0.0/8]}
  paths:
  - {path: '/admin/{page}', ipFilter: {blockIPs: [10.0.0.66]}, backend: admin}
- host: internal.com
  paths: [{path: /public, backend: public}]
- paths:
  - {path: '/m/{id}', methods: [POST, PUT], backend: write}
  - {path: '/m/{id}', methods: [GET], headers: [{key: X-Env, values: [prod]}], backend: read-prod}
  - {path: '/m/{id}', methods: [GET], queries: [{key: v, values: ["2"]}], backend: read-v2}
  - {path: '/m/{id:[0-9]+}', methods: [DELETE], backend: delete}
  - {path: /m/fixed, methods: [PATCH], backend: patch-fixed}
  - {path: '/m/*', headers: [{key: X-Any, regexp: "."}], backend: any}
  - {path: '/h/{x}', headers: [{key: X-K, values: ["1"]}], backend: hdr}
  - {path: '/h/{x}', methods: [POST], backend: post}
  - {path: '/p/{x}', methods: [POST], backend: posty}
  - {path: '/z/{x}', queries: [{key: k, values: ["1"]}], backend: qry}
  - {path: '/z/{x}', ipFilter: {allowIPs: [10.0.0.1]}, backend: ipz}
- host: "*.shop.com"
  paths: [{path: '/s/{id}', backend: shop}]
`, []routeCase{
		{name: "shared pattern: methods decide", method: "PUT", target: "/m/7", backend: "write"},
		{name: "shared pattern: headers decide", target: "/m/7", header: []string{"X-Env: prod"}, backend: "read-prod"},
		{name: "shared pattern: queries decide", target: "/m/7?v=2", backend: "read-v2"},
		{name: "shared pattern: no condition holds, wildcard needs a header", target: "/m/7", status: 400},
		{name: "lower priority pattern after the parameter's conditions fail", target: "/m/7", header: []string{"X-Any: y"}, backend: "any"},
		{name: "regexp tried first, but its method fails", method: "PUT", target: "/m/7", backend: "write"},
		{name: "regexp pattern wins for its method", method: "DELETE", target: "/m/7", backend: "delete"},
		{name: "literal's method fails, parameter takes over", method: "POST", target: "/m/fixed", backend: "write"},
		{name: "literal wins for its method", method: "PATCH", target: "/m/fixed", backend: "patch-fixed"},
		{name: "method mismatch only", target: "/p/7", status: 405},
		{name: "a failing wildcard's header condition beats method mismatches", method: "HEAD", target: "/m/7", status: 400},
		{name: "header mismatch beats method mismatch", target: "/h/1", status: 400},
		{name: "header ok", target: "/h/1", header: []string{"X-K: 1"}, backend: "hdr"},
		{name: "method ok after header mismatch", method: "POST", target: "/h/1", backend: "post"},
		{name: "ip mismatch beats query mismatch", target: "/z/1", status: 403},
		{name: "path ip filter admits", target: "/z/1", remote: "10.0.0.1", backend: "ipz"},
		{name: "rule ip filter", target: "/admin/x", header: []string{"Host: internal.com"}, remote: "10.1.2.3", backend: "admin"},
		{name: "path ip filter blocks", target: "/admin/x", header: []string{"Host: internal.com"}, remote: "10.0.0.66", status: 403},
		{name: "rule skipped by ip, later rule matches", target: "/public", header: []string{"Host: internal.com"}, remote: "192.0.2.1", backend: "public"},
		{name: "rule skipped by ip, nothing else: 403", target: "/admin/x", header: []string{"Host: internal.com"}, remote: "192.0.2.1", status: 403},
		{name: "host wildcard", target: "/s/1", header: []string{"Host: a.shop.com:8080"}, backend: "shop"},
		{name: "host mismatch", target: "/s/1", header: []string{"Host: shop.org"}, status: 404},
	})
}

func TestRadixCapturesAndRewrite(t *testing.T) {
	snap := compileFields(t, `routerKind: RadixTree
rules:
- paths:
  - {path: '/users/{username}/hovercard', rewriteTarget: '/api/users/{username}/card', backend: p}
  - {path: '/users/{username:[a-z]+}/hovercard', rewriteTarget: '/api/users/{username}/card', backend: p}
  - {path: '/users/*', rewriteTarget: '/api/users/{EG_WILDCARD}', backend: p}
  - {path: '/users/aniaan/hovercard', rewriteTarget: '/api/users/aniaan/card', backend: p}
  - {path: '/f/{file}.{ext}', rewriteTarget: '/{ext}/{file}/{file}', backend: p}
  - {path: '/o/{org}/r/{repo}/*', rewriteTarget: '/{repo}@{org}:{EG_WILDCARD}', backend: p}
  - {path: '/k/{id}', backend: p}
`)
	for _, c := range []struct{ in, want string }{
		{"/users/aniaan/hovercard", "/api/users/aniaan/card"},
		{"/users/12345/hovercard?x=1", "/api/users/12345/card?x=1"},
		{"/users/localvar/hovercard", "/api/users/localvar/card"},
		{"/users/test", "/api/users/test"},
		{"/users/a/b/c?q", "/api/users/a/b/c?q"},
		{"/users/", "/api/users/"},
		{"/f/photos.tar.gz", "/tar.gz/photos/photos"},
		{"/o/acme/r/tools/src/main.go", "/tools@acme:src/main.go"},
		{"/o/acme/r/tools/", "/tools@acme:"},
		{"/k/7", "/k/7"},
	} {
		ctx := testCtx("GET", c.in, "")
		st := newRequestState()
		r, status := routeRequest(snap, st, ctx)
		if r == nil {
			t.Fatalf("%s: status %d", c.in, status)
		}
		st.buf = r.rewrite(ctx.URI(), st.buf, st.caps)
		if got := string(ctx.URI().RequestURI()); got != c.want {
			t.Errorf("%s: rewritten to %s, want %s", c.in, got, c.want)
		}
	}
}

func TestRadixSpecErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name, paths string
		want        []string
	}{
		{"pathPrefix", "[{path: /a, backend: p}, {pathPrefix: /b, backend: p}]",
			[]string{"rules[0].paths[1].pathPrefix: not used with routerKind RadixTree", "rules[0].paths[1].path: required with routerKind RadixTree"}},
		{"pathRegexp", "[{path: /a, pathRegexp: '^/a$', backend: p}]",
			[]string{"rules[0].paths[0].pathRegexp: not used with routerKind RadixTree"}},
		{"path required", "[{methods: [GET], backend: p}]", []string{"rules[0].paths[0].path: required with routerKind RadixTree"}},
		{"unbalanced brace", "[{path: '/u/{id', backend: p}]", []string{`rules[0].paths[0].path: invalid pattern "/u/{id": '{' at offset 3 is not closed`}},
		{"stray closing brace", "[{path: '/u/id}', backend: p}]", []string{"rules[0].paths[0].path: invalid pattern", "has no matching '{'"}},
		{"bad regexp", "[{path: '/u/{id:[0-9}', backend: p}]", []string{"rules[0].paths[0].path: invalid pattern", "parameter {id}: invalid regexp"}},
		{"star not at the end", "[{path: '/a/*/b', backend: p}]", []string{"rules[0].paths[0].path: invalid pattern", "'*' at offset 3 must be the last character"}},
		{"duplicate parameter", "[{path: '/a/{id}/b/{id}', backend: p}]", []string{"rules[0].paths[0].path: invalid pattern", "duplicate parameter name {id}"}},
		{"adjacent parameters", "[{path: '/a/{x}{y}', backend: p}]", []string{"rules[0].paths[0].path", "must be separated by literal text"}},
		{"bare star in rewriteTarget", "[{path: '/a/*', rewriteTarget: '/b/*', backend: p}]", []string{"rules[0].paths[0].rewriteTarget: '*' is not allowed; write {EG_WILDCARD}"}},
		{"unknown parameter in rewriteTarget", "[{path: '/a/{id}', rewriteTarget: '/b/{name}', backend: p}]", []string{"rules[0].paths[0].rewriteTarget: {name} is not a parameter of path"}},
		{"wildcard without star", "[{path: '/a/{id}', rewriteTarget: '/b/{EG_WILDCARD}', backend: p}]", []string{"rules[0].paths[0].rewriteTarget: {EG_WILDCARD}: path has no '*'"}},
		{"second rule", "[{path: /a, backend: p}]\n- paths: [{path: /ok, backend: p}, {path: '/b/{', backend: p}]", []string{"rules[1].paths[1].path: invalid pattern"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.build("kind: HTTPServer\nname: edge\nport: 80\nrouterKind: RadixTree\nrules:\n- paths: " + c.paths + "\n")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not mention %q", err, w)
				}
			}
		})
	}
	// The same paths are fine with the Ordered router, where path is an
	// exact path.
	h := newHarness(t)
	if _, err := h.build("kind: HTTPServer\nname: edge\nport: 80\nrules:\n- paths: [{path: '/u/{id', backend: p}, {pathPrefix: /b, rewriteTarget: /c/*, backend: p}]\n"); err != nil {
		t.Fatalf("Ordered: %v", err)
	}
}

func TestRadixStatusCounts(t *testing.T) {
	h := newHarness(t)
	obj, err := h.build(serverDoc("edge", 80, radixFields(radixPriorityPaths)))
	if err != nil {
		t.Fatal(err)
	}
	if st := obj.Status().(Status); st.Rules != 1 || st.Routes != len(radixPriorityPaths) || st.RouterKind != RouterRadixTree {
		t.Fatalf("status %+v", st)
	}
}
