package docs_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// These tests check the harness itself: a page it misreads or a check it
// cannot fail would make every example test worthless.

const samplePage = "# Title\n\nintro\n\n```yaml\nkind: Ignored\n```\n\n" +
	"## First\n\ntext\n\n```yaml\nkind: A\n```\n\n```check\nrequest: GET /a?b=1\nheader: X-One: 1\nheader: Host: h.example\nexpect: 200\nexpect-header: X-Two: 2\n\n" +
	"request: POST /p\nbody: some text\nexpect: 201\nexpect-no-header: X-Three\nexpect-body-contains: some\n```\n\n" +
	"```go\n## not a heading\n```\n\n" +
	"## Second\n\n```yaml\nkind: B\n```\nbetween\n```yaml\nkind: C\n```\n"

func TestParsePage(t *testing.T) {
	secs, err := parsePage(samplePage)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].title != "First" || secs[1].title != "Second" {
		t.Fatalf("sections %+v", secs)
	}
	first := secs[0]
	if len(first.examples) != 1 || first.examples[0].yaml != "kind: A\n" || len(first.examples[0].cases) != 2 {
		t.Fatalf("first section %+v", first)
	}
	c0, c1 := first.examples[0].cases[0], first.examples[0].cases[1]
	if c0.method != "GET" || c0.target != "/a?b=1" || c0.status != 200 || len(c0.headers) != 2 ||
		c0.headers[0] != [2]string{"X-One", "1"} || c0.headers[1] != [2]string{"Host", "h.example"} ||
		len(c0.wantHeaders) != 1 || c0.wantHeaders[0] != [2]string{"X-Two", "2"} || c0.hasBody {
		t.Fatalf("case 0 %+v", c0)
	}
	if c1.method != "POST" || c1.body != "some text" || !c1.hasBody || c1.status != 201 ||
		len(c1.noHeaders) != 1 || c1.noHeaders[0] != "X-Three" || len(c1.bodyContains) != 1 {
		t.Fatalf("case 1 %+v", c1)
	}
	if len(secs[1].examples) != 2 || secs[1].examples[1].yaml != "kind: C\n" || secs[1].examples[0].cases != nil {
		t.Fatalf("second section %+v", secs[1])
	}
}

func TestParsePageErrors(t *testing.T) {
	for _, tc := range []struct{ name, page, want string }{
		{"check without yaml", "## K\n\n```check\nrequest: GET /\nexpect: 200\n```\n", "does not follow a yaml block"},
		{"check after text", "## K\n```yaml\nkind: K\n```\nsome words\n```check\nrequest: GET /\nexpect: 200\n```\n", "does not follow a yaml block"},
		{"two checks", "## K\n```yaml\nkind: K\n```\n```check\nrequest: GET /\nexpect: 200\n```\n```check\nrequest: GET /\nexpect: 200\n```\n", "does not follow a yaml block"},
		{"no expect", "## K\n```yaml\nkind: K\n```\n```check\nrequest: GET /\n```\n", "no expect line"},
		{"no request first", "## K\n```yaml\nkind: K\n```\n```check\nexpect: 200\n```\n", "must start with a request line"},
		{"unknown key", "## K\n```yaml\nkind: K\n```\n```check\nrequest: GET /\nexpect: 200\nexpect-status: 200\n```\n", `unknown check line "expect-status"`},
		{"bad target", "## K\n```yaml\nkind: K\n```\n```check\nrequest: GET a\nexpect: 200\n```\n", "METHOD /path"},
		{"bad status", "## K\n```yaml\nkind: K\n```\n```check\nrequest: GET /\nexpect: ok\n```\n", "must be a status code"},
		{"two requests", "## K\n```yaml\nkind: K\n```\n```check\nrequest: GET /\nrequest: GET /b\nexpect: 200\n```\n", "second request line"},
		{"empty check", "## K\n```yaml\nkind: K\n```\n```check\n\n```\n", "holds no case"},
		{"unclosed", "## K\n```yaml\nkind: K\n", "never closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parsePage(tc.page)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestRunCaseFails checks that every kind of expectation fails when the
// reply differs, against the real echo upstream.
func TestRunCaseFails(t *testing.T) {
	base := "http://" + startEcho(t)
	client := newClient()
	ok := checkCase{method: "POST", target: "/x", headers: [][2]string{{"X-In", "v"}, {"Host", "h.example"}},
		body: "hello", hasBody: true, status: 200,
		wantHeaders:  [][2]string{{"X-Seen-X-In", "v"}, {"X-Seen-Host", "h.example"}},
		noHeaders:    []string{"X-Seen-X-Other"},
		bodyContains: []string{"hello"}}
	if err := runCase(client, base, ok); err != nil {
		t.Fatalf("a matching case failed: %v", err)
	}
	plain := checkCase{method: "GET", target: "/", status: 200, bodyContains: []string{"upstream"}}
	if err := runCase(client, base, plain); err != nil {
		t.Fatalf("a matching case failed: %v", err)
	}
	for name, mutate := range map[string]func(c *checkCase){
		"status":       func(c *checkCase) { c.status = 201 },
		"header value": func(c *checkCase) { c.wantHeaders = [][2]string{{"X-Seen-X-In", "w"}} },
		"header gone":  func(c *checkCase) { c.wantHeaders = [][2]string{{"X-Absent", ""}} },
		"no-header":    func(c *checkCase) { c.noHeaders = []string{"X-Seen-X-In"} },
		"body":         func(c *checkCase) { c.bodyContains = []string{"bye"} },
	} {
		c := ok
		mutate(&c)
		if err := runCase(client, base, c); err == nil {
			t.Errorf("%s: a mismatching case passed", name)
		}
	}
}

// TestClientShowsRawReplies checks that the harness's client neither
// follows redirects nor decompresses bodies.
func TestClientShowsRawReplies(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write([]byte("not really gzip"))
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	base := "http://" + ln.Addr().String()
	client := newClient()
	if err := runCase(client, base, checkCase{method: "GET", target: "/moved", status: 302,
		wantHeaders: [][2]string{{"Location", "/"}}}); err != nil {
		t.Error(err)
	}
	if err := runCase(client, base, checkCase{method: "GET", target: "/", status: 200,
		wantHeaders: [][2]string{{"Content-Encoding", "gzip"}}, bodyContains: []string{"not really gzip"}}); err != nil {
		t.Error(err)
	}
}

func TestKnownKind(t *testing.T) {
	for name, want := range map[string]bool{"Proxy": true, "HTTPServer": true, "CORSAdaptor": true, "Retry": true,
		"The examples are tests": false, "proxy": false} {
		if got := knownKind(name); got != want {
			t.Errorf("knownKind(%q) = %v, want %v", name, got, want)
		}
	}
}
