package docs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/registry"
	_ "github.com/gatewright/gatewright/registry/standard"
	"github.com/gatewright/gatewright/supervisor"
)

// Placeholders of the examples, replaced by what the harness starts.
const (
	examplePort     = "10080"
	exampleUpstream = "127.0.0.1:19001"
	exampleRemote   = "127.0.0.1:19002"
	exampleRoot     = "/srv/gatewright-docs"
)

// exampleFiles returns the files of the directory that replaces
// exampleRoot.
func exampleFiles() map[string]string {
	return map[string]string{
		"index.html":  "<h1>welcome</h1>\n",
		"hello.txt":   "hello from disk\n",
		"style.css":   "body { margin: 0 }\n",
		".git/config": "[core] secret\n",
	}
}

// startRoot writes exampleFiles under a temporary directory and returns
// it.
func startRoot(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range exampleFiles() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// timeout bounds each step (gateway start, apply, one request).
const timeout = 30 * time.Second

// TestFiltersPage runs every example of filters.md against one real
// gateway: each "## Kind" section names a registered kind and holds at
// least one yaml block of complete objects, which must load; the check
// block after a yaml block holds requests whose replies must match.
func TestFiltersPage(t *testing.T) {
	page, err := os.ReadFile("filters.md")
	if err != nil {
		t.Fatal(err)
	}
	sections, err := parsePage(string(page))
	if err != nil {
		t.Fatalf("filters.md: %v", err)
	}
	services := strings.NewReplacer(exampleUpstream, startEcho(t), exampleRemote, startRemote(t), exampleRoot, startRoot(t))
	g := startGateway(t)
	client := newClient()
	seen := map[string]int{}
	for _, sec := range sections {
		t.Run(sec.title, func(t *testing.T) {
			if prev, dup := seen[sec.title]; dup {
				t.Fatalf("line %d: section %q repeats the one of line %d", sec.line, sec.title, prev)
			}
			seen[sec.title] = sec.line
			if !knownKind(sec.title) {
				t.Fatalf("line %d: section %q does not name a registered kind (is it imported by registry/standard?)", sec.line, sec.title)
			}
			if len(sec.examples) == 0 {
				t.Fatalf("line %d: section %q has no yaml example", sec.line, sec.title)
			}
			for _, ex := range sec.examples {
				runExample(t, g, client, services, sec.title, ex)
			}
		})
	}
}

// knownKind reports whether name is a kind of any class in the standard
// registry.
func knownKind(name string) bool {
	for _, c := range []registry.Class{registry.FilterClass, registry.ObjectClass, registry.PolicyClass} {
		if _, err := registry.Default.Lookup(c, name); err == nil {
			return true
		}
	}
	return false
}

// runExample applies one example on a fresh port, with the services'
// placeholders replaced by services, runs its cases and deletes its
// objects again.
func runExample(t *testing.T, g *gateway.Gateway, client *http.Client, services *strings.Replacer, kind string, ex example) {
	t.Helper()
	if !strings.Contains(ex.yaml, "kind: "+kind) && !strings.Contains(ex.yaml, "kind: \""+kind+"\"") {
		t.Errorf("line %d: the example does not use kind %s", ex.line, kind)
	}
	port := strconv.Itoa(freePort(t))
	docs := strings.ReplaceAll(ex.yaml, examplePort, port)
	docs = services.Replace(docs)
	specs, err := supervisor.ParseDocuments([]byte(docs))
	if err != nil {
		t.Fatalf("line %d: the example does not parse: %v", ex.line, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err = g.ApplySpecs(ctx, specs)
	t.Cleanup(func() { deleteObjects(t, g, specs) })
	if err == nil {
		err = waitRunning(ctx, g, specs)
	}
	if err != nil {
		t.Fatalf("line %d: the example does not load: %v", ex.line, err)
	}
	if len(ex.cases) > 0 && !strings.Contains(ex.yaml, examplePort) {
		t.Fatalf("line %d: the example has checks but no HTTPServer on port %s", ex.line, examplePort)
	}
	base := "http://127.0.0.1:" + port
	for _, c := range ex.cases {
		if err := runCase(client, base, c); err != nil {
			t.Errorf("line %d: %s %s: %v", c.line, c.method, c.target, err)
		}
	}
}

// waitRunning waits until every object of specs runs, or one of them
// reports an error. Apply alone is not enough: the supervisor marks a
// stored batch applied once its first object is, so the others may still
// be starting (or failing) when Apply returns.
func waitRunning(ctx context.Context, g *gateway.Gateway, specs []*supervisor.Spec) error {
	for {
		pending := ""
		statuses := g.Supervisor().Status()
		for _, s := range specs {
			i := slices.IndexFunc(statuses, func(st supervisor.ObjectStatus) bool { return st.Name == s.Name })
			switch {
			case i >= 0 && statuses[i].Error != "":
				return fmt.Errorf("%s: %s", s.Ref(), statuses[i].Error)
			case i < 0 || !statuses[i].Running:
				pending = s.Ref()
			}
		}
		if pending == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s is not running: %w", pending, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// deleteObjects removes the objects of an example, traffic gates first.
func deleteObjects(t *testing.T, g *gateway.Gateway, specs []*supervisor.Spec) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	slices.SortStableFunc(specs, func(a, b *supervisor.Spec) int {
		return boolRank(a.Kind != "HTTPServer") - boolRank(b.Kind != "HTTPServer")
	})
	for _, s := range specs {
		if _, err := g.Delete(ctx, s.Name); err != nil && !strings.Contains(err.Error(), "not found") {
			t.Errorf("deleting %s: %v", s.Ref(), err)
		}
	}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runCase sends one request and compares the reply with the case.
func runCase(client *http.Client, base string, c checkCase) error {
	var body io.Reader
	if c.hasBody {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, base+c.target, body)
	if err != nil {
		return err
	}
	for _, h := range c.headers {
		if strings.EqualFold(h[0], "Host") {
			req.Host = h[1]
			continue
		}
		req.Header.Add(h[0], h[1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the reply body: %w", err)
	}
	var problems []string
	if resp.StatusCode != c.status {
		problems = append(problems, fmt.Sprintf("status %d, want %d", resp.StatusCode, c.status))
	}
	for _, h := range c.wantHeaders {
		values := resp.Header.Values(h[0])
		if v := strings.Join(values, ", "); len(values) == 0 || v != h[1] {
			problems = append(problems, fmt.Sprintf("header %s = %q, want %q", h[0], v, h[1]))
		}
	}
	for _, name := range c.noHeaders {
		if values := resp.Header.Values(name); len(values) > 0 {
			problems = append(problems, fmt.Sprintf("header %s = %q, want none", name, values))
		}
	}
	for _, s := range c.bodyContains {
		if !strings.Contains(string(got), s) {
			problems = append(problems, fmt.Sprintf("body does not contain %q", s))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s (reply headers %v, body %q)", strings.Join(problems, "; "), resp.Header, truncate(got, 300))
	}
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// newClient returns a client that shows replies as they are: redirects are
// not followed and bodies are not decompressed (Go adds no
// Accept-Encoding of its own).
func newClient() *http.Client {
	return &http.Client{
		Timeout:       timeout,
		Transport:     &http.Transport{DisableCompression: true, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// startGateway starts a gateway with every standard kind, its store in a
// temporary directory, its traffic gates on loopback, no admin API.
func startGateway(t *testing.T) *gateway.Gateway {
	t.Helper()
	g, err := gateway.New(
		gateway.WithDataDir(t.TempDir()),
		gateway.WithRegistry(registry.Default),
		gateway.WithTrafficIP("127.0.0.1"),
		gateway.WithAPIAddr("off"),
		gateway.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := g.Start(ctx); err != nil {
		_ = g.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g
}

// startEcho starts the examples' upstream on loopback and returns its
// address. It answers 200 with body "upstream", or the request body when
// there is one, and with a header X-Seen-H for every request header H
// (values joined by ", "), plus X-Seen-Host.
func startEcho(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: timeout, Handler: http.HandlerFunc(echo)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

func echo(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for name, values := range r.Header {
		w.Header().Set("X-Seen-"+name, strings.Join(values, ", "))
	}
	w.Header().Set("X-Seen-Host", r.Host)
	if len(body) == 0 {
		body = []byte("upstream")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(body)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
