package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	_ "github.com/gatewright/gatewright/registry/standard"
	"github.com/goccy/go-yaml"
)

// gwctlBin is the binary built for the tests.
var gwctlBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gwctl-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gwctlBin = filepath.Join(dir, "gwctl")
	build := exec.Command("go", "build", "-o", gwctlBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gwctl:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const token = "gwctl-test-token-8f3a"

// startNode starts a real gateway whose admin API wants a token.
func startNode(t *testing.T) *gateway.Gateway {
	t.Helper()
	return testkit.StartGateway(t,
		gateway.WithDataDir(t.TempDir()),
		gateway.WithRegistry(registry.Default),
		gateway.WithTrafficIP("127.0.0.1"),
		gateway.WithAPIAddr("127.0.0.1:0"),
		gateway.WithAdmin(gateway.AdminConfig{Tokens: []string{token}}),
		gateway.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
}

// result is one gwctl run.
type result struct {
	code           int
	stdout, stderr string
}

// gwctl runs the binary against a node; env adds variables.
func gwctl(t *testing.T, g *gateway.Gateway, stdin string, env []string, args ...string) result {
	t.Helper()
	full := append([]string{"--server", g.AdminURL(), "--token", token}, args...)
	cmd := exec.Command(gwctlBin, full...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "GWCTL_CONFIG=")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	r, err := runCmd(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runCmd runs cmd and returns its exit code and output; the error is only
// for a command that could not run, not for a non-zero exit.
func runCmd(cmd *exec.Cmd) (result, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code, err = ee.ExitCode(), nil
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}, err
}

// ok fails the test unless the run succeeded.
func (r result) ok(t *testing.T, what string) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", what, r.code, r.stdout, r.stderr)
	}
	return r
}

const manifest = `kind: Pipeline
name: hello
filters:
- {name: reply, kind: Mock, rules: [{code: 200, body: hello}]}
---
kind: Pipeline
name: bye
filters:
- {name: reply, kind: Mock, rules: [{code: 200, body: bye}]}
---
kind: HTTPServer
name: front
port: %d
rules: [{paths: [{pathPrefix: /, backend: hello}]}]
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestApplyGetEditDelete(t *testing.T) {
	g := startNode(t)
	dir := t.TempDir()
	file := writeFile(t, dir, "site.yaml", fmt.Sprintf(manifest, testkit.FreePort(t)))

	out := gwctl(t, g, "", nil, "apply", "-f", file).ok(t, "apply")
	for _, want := range []string{"pipeline/hello created", "pipeline/bye created", "httpserver/front created", "revision "} {
		if !strings.Contains(out.stdout, want) {
			t.Fatalf("apply output lacks %q:\n%s", want, out.stdout)
		}
	}
	// Applying again changes nothing.
	if out := gwctl(t, g, "", nil, "apply", "-f", file).ok(t, "re-apply"); !strings.Contains(out.stdout, "pipeline/hello unchanged") {
		t.Fatalf("re-apply:\n%s", out.stdout)
	}

	// Table.
	table := gwctl(t, g, "", nil, "get", "objects").ok(t, "get objects").stdout
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[1], "bye") || !strings.Contains(lines[2], "HTTPServer") {
		t.Fatalf("table:\n%s", table)
	}
	if out := gwctl(t, g, "", nil, "get", "pipelines").ok(t, "get pipelines").stdout; strings.Contains(out, "front") || !strings.Contains(out, "hello") {
		t.Fatalf("get pipelines:\n%s", out)
	}
	// YAML: documents ready to apply again.
	y := gwctl(t, g, "", nil, "get", "pipeline", "-o", "yaml").ok(t, "get -o yaml").stdout
	if strings.Count(y, "\n---\n") != 1 || !strings.HasPrefix(y, "kind: Pipeline\nname: bye\n") {
		t.Fatalf("yaml:\n%s", y)
	}
	yfile := writeFile(t, dir, "back.yaml", y)
	if out := gwctl(t, g, "", nil, "apply", "-f", yfile).ok(t, "apply the yaml"); !strings.Contains(out.stdout, "pipeline/bye unchanged") {
		t.Fatalf("round trip:\n%s", out.stdout)
	}
	// JSON: one object, or a list.
	var one map[string]any
	j := gwctl(t, g, "", nil, "get", "httpserver", "front", "-o", "json").ok(t, "get -o json").stdout
	if err := json.Unmarshal([]byte(j), &one); err != nil || one["name"] != "front" || one["kind"] != "HTTPServer" {
		t.Fatalf("json: %v\n%s", err, j)
	}
	var list []map[string]any
	j = gwctl(t, g, "", nil, "get", "objects", "-o", "json").ok(t, "get objects -o json").stdout
	if err := json.Unmarshal([]byte(j), &list); err != nil || len(list) != 3 {
		t.Fatalf("json list: %v\n%s", err, j)
	}

	// Edit through a fake editor that adds a label.
	editor := writeFile(t, dir, "editor.sh", "#!/bin/sh\nprintf 'labels:\\n  team: edge\\n' >> \"$1\"\n")
	os.Chmod(editor, 0o755)
	out = gwctl(t, g, "", []string{"EDITOR=" + editor}, "edit", "pipeline", "hello").ok(t, "edit")
	if !strings.Contains(out.stdout, "pipeline/hello configured") {
		t.Fatalf("edit output:\n%s", out.stdout)
	}
	y = gwctl(t, g, "", nil, "get", "pipeline", "hello", "-o", "yaml").ok(t, "get edited").stdout
	var edited map[string]any
	if err := yaml.Unmarshal([]byte(y), &edited); err != nil || fmt.Sprint(edited["labels"]) != "map[team:edge]" {
		t.Fatalf("edited document: %v\n%s", err, y)
	}
	// An editor that saves nothing new cancels.
	noop := writeFile(t, dir, "noop.sh", "#!/bin/sh\ntrue\n")
	os.Chmod(noop, 0o755)
	if out := gwctl(t, g, "", []string{"EDITOR=" + noop}, "edit", "pipeline", "hello").ok(t, "noop edit"); !strings.Contains(out.stdout, "Edit cancelled") {
		t.Fatalf("noop edit:\n%s", out.stdout)
	}

	// describe shows the document and the status of every node.
	d := gwctl(t, g, "", nil, "describe", "httpserver", "front").ok(t, "describe").stdout
	if !strings.Contains(d, "Document:") || !strings.Contains(d, "Status:") || !strings.Contains(d, "listening: true") {
		t.Fatalf("describe:\n%s", d)
	}

	// Delete by kind and name, then by file.
	if out := gwctl(t, g, "", nil, "delete", "pipeline", "bye").ok(t, "delete"); !strings.Contains(out.stdout, "pipeline/bye deleted") {
		t.Fatalf("delete:\n%s", out.stdout)
	}
	if r := gwctl(t, g, "", nil, "delete", "httpserver", "hello"); r.code != 1 || !strings.Contains(r.stderr, `object "hello" is a Pipeline, not a HTTPServer`) {
		t.Fatalf("delete of the wrong kind: %+v", r)
	}
	onlyFront := writeFile(t, dir, "front.yaml", fmt.Sprintf("kind: HTTPServer\nname: front\nport: %d\n", 1))
	if out := gwctl(t, g, "", nil, "delete", "-f", onlyFront).ok(t, "delete -f"); !strings.Contains(out.stdout, "httpserver/front deleted") {
		t.Fatalf("delete -f:\n%s", out.stdout)
	}
	if out := gwctl(t, g, "", nil, "get", "objects").ok(t, "get after deletes").stdout; strings.Contains(out, "front") || strings.Contains(out, "bye") || !strings.Contains(out, "hello") {
		t.Fatalf("left after deletes:\n%s", out)
	}
	if r := gwctl(t, g, "", nil, "delete", "pipeline", "bye"); r.code != 1 || !strings.Contains(r.stderr, `object "bye" not found`) {
		t.Fatalf("delete of a missing object: %+v", r)
	}
}

func TestBadFileIsRefusedWithReadableErrors(t *testing.T) {
	g := startNode(t)
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", "kind: Pipeline\nname: ok\nfilters: [{name: m, kind: Mock, rules: []}]\n---\nkind: Pipeline\nname: broken\nfilters:\n- {name: up, kind: Proxy, pools: [{servers: [{uri: http://x}]}]}\n")
	r := gwctl(t, g, "", nil, "apply", "-f", bad)
	if r.code != 1 {
		t.Fatalf("exit %d for a bad file\n%s", r.code, r.stderr)
	}
	for _, want := range []string{`Pipeline "broken"`, `filters[0] "up"`, "pools[0].servers[0]", "invalid-object, 400"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, r.stderr)
		}
	}
	// Nothing of the file was stored.
	if out := gwctl(t, g, "", nil, "get", "objects").ok(t, "get").stdout; !strings.Contains(out, "No objects.") {
		t.Fatalf("stored despite the error:\n%s", out)
	}
	// YAML that does not parse, a missing file, usage errors.
	syntax := writeFile(t, dir, "syntax.yaml", "kind: Pipeline\nname: [oops\n")
	if r := gwctl(t, g, "", nil, "apply", "-f", syntax); r.code != 1 || !strings.Contains(r.stderr, "document 1") {
		t.Fatalf("syntax error: %+v", r)
	}
	if r := gwctl(t, g, "", nil, "apply", "-f", filepath.Join(dir, "none.yaml")); r.code != 1 || !strings.Contains(r.stderr, "no such file") {
		t.Fatalf("missing file: %+v", r)
	}
	if r := gwctl(t, g, "", nil, "apply"); r.code != 2 {
		t.Fatalf("apply without -f: %+v", r)
	}
	if r := gwctl(t, g, "", nil, "get", "gadgets"); r.code != 2 || !strings.Contains(r.stderr, `no object kind "gadgets"`) {
		t.Fatalf("unknown kind: %+v", r)
	}
	if r := gwctl(t, g, "", nil, "get", "objects", "-o", "xml"); r.code != 2 {
		t.Fatalf("bad output: %+v", r)
	}
	// Standard input and directories work too.
	if r := gwctl(t, g, fmt.Sprintf(manifest, testkit.FreePort(t)), nil, "create", "-f", "-").ok(t, "create from stdin"); !strings.Contains(r.stdout, "httpserver/front created") {
		t.Fatalf("stdin: %s", r.stdout)
	}
	if r := gwctl(t, g, fmt.Sprintf(manifest, testkit.FreePort(t)), nil, "create", "-f", "-"); r.code != 1 || !strings.Contains(r.stderr, "already-exists") {
		t.Fatalf("create existing: %+v", r)
	}
}

func TestStaleEditsAreRefused(t *testing.T) {
	g := startNode(t)
	dir := t.TempDir()
	file := writeFile(t, dir, "site.yaml", fmt.Sprintf(manifest, testkit.FreePort(t)))
	gwctl(t, g, "", nil, "apply", "-f", file).ok(t, "apply")
	// The editor changes the object through another gwctl while the edit
	// is open; the edit must then be refused and the file kept.
	other := writeFile(t, dir, "other.yaml", "kind: Pipeline\nname: hello\nlabels: {by: other}\nfilters:\n- {name: reply, kind: Mock, rules: [{code: 200, body: other}]}\n")
	editor := writeFile(t, dir, "racing.sh", fmt.Sprintf("#!/bin/sh\n%q --server %q --token %q apply -f %q >/dev/null || exit 9\nprintf 'labels:\\n  by: editor\\n' >> \"$1\"\n", gwctlBin, g.AdminURL(), token, other))
	os.Chmod(editor, 0o755)
	r := gwctl(t, g, "", []string{"EDITOR=" + editor}, "edit", "pipeline", "hello")
	if r.code != 1 || !strings.Contains(r.stderr, "stale-revision") || !strings.Contains(r.stderr, "your edit is kept in") {
		t.Fatalf("racing edit: %+v", r)
	}
	y := gwctl(t, g, "", nil, "get", "pipeline", "hello", "-o", "yaml").ok(t, "get").stdout
	if !strings.Contains(y, "by: other") {
		t.Fatalf("the concurrent change was lost:\n%s", y)
	}
	// apply --revision with a revision older than the object's change.
	if r := gwctl(t, g, "", nil, "apply", "--revision", "1", "-f", file); r.code != 1 || !strings.Contains(r.stderr, `Pipeline "hello" changed at revision`) {
		t.Fatalf("stale apply: %+v", r)
	}
}

func TestInformationCommands(t *testing.T) {
	g := startNode(t)
	gwctl(t, g, fmt.Sprintf(manifest, testkit.FreePort(t)), nil, "apply", "-f", "-").ok(t, "apply")
	st := gwctl(t, g, "", nil, "status").ok(t, "status").stdout
	if !strings.Contains(st, "NAME") || !strings.Contains(st, "front") || !strings.Contains(st, "gatewright") || !strings.Contains(st, "true") {
		t.Fatalf("status:\n%s", st)
	}
	if st := gwctl(t, g, "", nil, "status", "front", "-o", "json").ok(t, "status one").stdout; !strings.Contains(st, `"listening": true`) {
		t.Fatalf("status front:\n%s", st)
	}
	if m := gwctl(t, g, "", nil, "members").ok(t, "members").stdout; !strings.Contains(m, "gatewright (this)") || !strings.Contains(m, "leader") {
		t.Fatalf("members:\n%s", m)
	}
	k := gwctl(t, g, "", nil, "kinds").ok(t, "kinds").stdout
	for _, want := range []string{"HTTPServer", "object", "Proxy", "filter", "internalError", "Mock"} {
		if !strings.Contains(k, want) {
			t.Fatalf("kinds lacks %q:\n%s", want, k)
		}
	}
	var schema map[string]any
	s := gwctl(t, g, "", nil, "schema", "Proxy").ok(t, "schema").stdout
	if err := json.Unmarshal([]byte(s), &schema); err != nil {
		t.Fatalf("schema is not JSON: %v\n%s", err, s)
	}
	props, _ := schema["properties"].(map[string]any)
	if props["pools"] == nil || props["kind"] == nil || fmt.Sprint(schema["required"]) != "[kind name pools]" {
		t.Fatalf("schema: %s", s)
	}
	if v := gwctl(t, g, "", nil, "version").ok(t, "version").stdout; !strings.Contains(v, "client: ") || !strings.Contains(v, "server: ") {
		t.Fatalf("version:\n%s", v)
	}
	if c := gwctl(t, g, "", nil, "completion", "bash").ok(t, "completion").stdout; !strings.Contains(c, "__start_gwctl") {
		t.Fatalf("completion script:\n%.200s", c)
	}
	// Dynamic completion asks the server for kinds and names.
	c := gwctl(t, g, "", nil, "__complete", "get", "pipeline", "he").ok(t, "complete names").stdout
	if !strings.Contains(c, "hello") || strings.Contains(c, "front") {
		t.Fatalf("name completion:\n%s", c)
	}
	if c := gwctl(t, g, "", nil, "__complete", "get", "http").ok(t, "complete kinds").stdout; !strings.Contains(c, "httpserver") {
		t.Fatalf("kind completion:\n%s", c)
	}
}

func TestContextsAndCredentials(t *testing.T) {
	g := startNode(t)
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.yaml", fmt.Sprintf("currentContext: good\ncontexts:\n- name: good\n  server: %s\n  token: %s\n- name: bad\n  server: %s\n  token: wrong\n", g.AdminURL(), token, g.AdminURL()))
	run := func(args ...string) result {
		cmd := exec.Command(gwctlBin, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir, "GWCTL_CONFIG="+cfg)
		r, _ := runCmd(cmd)
		return r
	}
	if r := run("get", "objects"); r.code != 0 || !strings.Contains(r.stdout, "No objects.") {
		t.Fatalf("current context: %+v", r)
	}
	if r := run("--context", "bad", "get", "objects"); r.code != 1 || !strings.Contains(r.stderr, "unauthorized, 401") {
		t.Fatalf("bad context: %+v", r)
	}
	if r := run("--context", "nope", "get", "objects"); r.code != 1 || !strings.Contains(r.stderr, `no context "nope"`) {
		t.Fatalf("unknown context: %+v", r)
	}
	// Flags win over the context.
	if r := run("--context", "bad", "--token", token, "get", "objects"); r.code != 0 {
		t.Fatalf("--token over the context: %+v", r)
	}
	if r := run("--server", "127.0.0.1:1", "get", "objects"); r.code != 1 || !strings.Contains(r.stderr, "cannot reach the admin API") {
		t.Fatalf("unreachable server: %+v", r)
	}
}
