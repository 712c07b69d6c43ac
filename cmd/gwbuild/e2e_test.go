package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gatewayConfig runs the HeaderCounter of examples/plugin in a pipeline
// that jumps to a Mock when the header is missing, and the
// StatusInLocalController writing every object's status to a file.
const gatewayConfig = `
kind: Node
name: e2e
dataDir: %s
apiAddr: "off"
trafficIP: 127.0.0.1
---
kind: HTTPServer
name: edge
port: %d
rules:
- paths:
  - {pathPrefix: /, backend: counted}
---
kind: Pipeline
name: counted
flow:
- {filter: counter, jumpIf: {invalidHeader: reject}}
- {filter: accept}
- {filter: END}
- {filter: reject}
filters:
- {name: counter, kind: HeaderCounter, headers: [X-Tenant]}
- {name: accept, kind: Mock, rules: [{code: 200, body: accepted}]}
- {name: reject, kind: Mock, rules: [{code: 400, body: "X-Tenant required"}]}
---
kind: StatusInLocalController
name: status-file
interval: 200ms
path: %s
`

// TestBuildWithExamplePluginAndRun builds a binary with examples/plugin
// from its local path and runs it: requests with and without the header
// take the two jumpIf branches, and the controller's file shows the
// HeaderCounter's counts.
func TestBuildWithExamplePluginAndRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a gateway binary")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "gw")
	r := gwbuild(t, dir, buildTimeout, "build",
		"--with", coreModule+"="+root,
		"--with", pluginModule+"="+filepath.Join(root, "examples", "plugin"),
		"-o", bin)
	if r.code != 0 {
		t.Fatalf("gwbuild build: exit %d\n%s", r.code, r.stderr)
	}
	if strings.TrimSpace(r.stdout) != bin {
		t.Fatalf("stdout %q, want the binary's path %s", r.stdout, bin)
	}
	for _, step := range []string{"go mod init", "go mod tidy", "go build -trimpath"} {
		if !strings.Contains(r.stderr, "gwbuild: "+step) {
			t.Errorf("build log lacks %q:\n%s", step, r.stderr)
		}
	}

	port := freePort(t)
	statusPath := filepath.Join(dir, "status.json")
	config := filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(config, fmt.Appendf(nil, gatewayConfig, filepath.Join(dir, "data"), port, statusPath), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	gw := exec.Command(bin, "--config", config)
	gw.Stdout, gw.Stderr = &logs, &logs
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- gw.Wait() }()
	defer func() {
		if gw.ProcessState == nil {
			_ = gw.Process.Kill()
			<-exited
		}
	}()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitListening(t, addr, 2*time.Minute, &logs)

	client := &http.Client{Timeout: 10 * time.Second}
	for i, c := range []struct {
		headers    map[string]string
		code       int
		body       string
		whichRoute string
	}{
		{map[string]string{"X-Tenant": "t-1"}, 200, "accepted", "header present: flow goes on"},
		{nil, 400, "X-Tenant required", "header missing: jumpIf invalidHeader"},
		{map[string]string{"X-Tenant": "t-2"}, 200, "accepted", "header present"},
		{map[string]string{"X-Other": "x"}, 400, "X-Tenant required", "another header only"},
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/orders", nil)
		for k, v := range c.headers {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v\n%s", i, err, logs.String())
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || string(body) != c.body {
			t.Fatalf("request %d (%s): %d %q, want %d %q", i, c.whichRoute, resp.StatusCode, body, c.code, c.body)
		}
	}

	// The controller rewrites the file every 200ms: wait for a snapshot
	// taken after the requests.
	deadline := time.Now().Add(time.Minute)
	for {
		f, err := readStatusFile(statusPath)
		if err == nil {
			counts, missing, found := counterStatus(f)
			ctl := findObject(f, "status-file")
			if found && counts["X-Tenant"] == 2 && missing == 2 {
				if ctl == nil || !ctl.Running || findObject(f, "edge") == nil {
					t.Fatalf("status file lacks running objects: %+v", f.Objects)
				}
				var own struct {
					Path   string `json:"path"`
					Writes int64  `json:"writes"`
				}
				if err := json.Unmarshal(ctl.Status, &own); err != nil || own.Path != statusPath || own.Writes < 1 {
					t.Fatalf("controller status %s (%v)", ctl.Status, err)
				}
				break
			}
		}
		if time.Now().After(deadline) {
			data, _ := os.ReadFile(statusPath)
			t.Fatalf("status file never showed X-Tenant: 2 and missing: 2 (err %v):\n%s\ngateway log:\n%s", err, data, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	if err := gw.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("gateway exit after SIGINT: %v\n%s", err, logs.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("gateway did not stop after SIGINT\n%s", logs.String())
	}
}

// TestScaffoldTestAndDuplicateKind scaffolds a plugin module whose filter
// is named HeaderCounter, adds a kind, runs the generated tests, then
// builds it together with examples/plugin (which registers HeaderCounter
// too) and runs the build with gwbuild run: the binary must fail to start,
// naming both packages.
func TestScaffoldTestAndDuplicateKind(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test in a scaffolded module and builds a gateway binary")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	plugin := filepath.Join(dir, "dupcounter")
	r := gwbuild(t, dir, 5*time.Minute, "init", "--module", "example.com/dupcounter",
		"--filters", "HeaderCounter", "--objects", "Reporter", "--with", coreModule+"="+root)
	if r.code != 0 {
		t.Fatalf("gwbuild init: exit %d\n%s", r.code, r.stderr)
	}
	for _, f := range []string{"go.mod", "go.sum", "build.yaml", "registry/registry.go", "headercounter/headercounter.go", "headercounter/headercounter_test.go", "reporter/reporter.go", "reporter/reporter_test.go"} {
		if !strings.Contains(r.stdout, filepath.Join(plugin, filepath.FromSlash(f))+"\n") {
			t.Errorf("init did not report %s:\n%s", f, r.stdout)
		}
	}
	r = gwbuild(t, plugin, 5*time.Minute, "add", "--filters", "Stamp")
	if r.code != 0 {
		t.Fatalf("gwbuild add: exit %d\n%s", r.code, r.stderr)
	}
	registry, err := os.ReadFile(filepath.Join(plugin, "registry", "registry.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// Code generated by gwbuild. DO NOT EDIT.", `_ "example.com/dupcounter/headercounter"`, `_ "example.com/dupcounter/reporter"`, `_ "example.com/dupcounter/stamp"`} {
		if !strings.Contains(string(registry), want) {
			t.Errorf("registry.go lacks %s:\n%s", want, registry)
		}
	}

	// The generated module compiles and its generated tests pass.
	if v := command(t, plugin, 10*time.Minute, "go", "vet", "./..."); v.code != 0 {
		t.Fatalf("go vet in the scaffold: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
	test := command(t, plugin, 10*time.Minute, "go", "test", "-count=1", "./...")
	if test.code != 0 {
		t.Fatalf("go test in the scaffold: exit %d\n%s%s", test.code, test.stdout, test.stderr)
	}
	for _, pkg := range []string{"headercounter", "reporter", "stamp"} {
		if !strings.Contains(test.stdout, "ok  \texample.com/dupcounter/"+pkg) {
			t.Errorf("go test did not pass package %s:\n%s", pkg, test.stdout)
		}
	}

	// Built with examples/plugin, the kind name collides at start.
	data := filepath.Join(dir, "data")
	r = gwbuild(t, dir, buildTimeout, "run", "-f", filepath.Join(plugin, "build.yaml"),
		"--with", pluginModule+"="+filepath.Join(root, "examples", "plugin"),
		"-o", filepath.Join(dir, "gw-dup"),
		"--", "--api-addr", "off", "--data-dir", data)
	if r.code == 0 {
		t.Fatalf("a build with two HeaderCounter kinds started\n%s", r.stderr)
	}
	for _, want := range []string{
		`filter kind "HeaderCounter" registered twice`,
		"package example.com/dupcounter/headercounter (headercounter.go:",
		"package " + pluginModule + "/headercounter (headercounter.go:",
		"rename one of the kinds or leave one of the packages out of the build",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("start failure lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Error("the failed start created its data directory")
	}
}

// statusFile is the StatusInLocalController's file.
type statusFile struct {
	Time    time.Time      `json:"time"`
	Objects []objectStatus `json:"objects"`
}

type objectStatus struct {
	Name    string          `json:"name"`
	Kind    string          `json:"kind"`
	Running bool            `json:"running"`
	Status  json.RawMessage `json:"status"`
}

func readStatusFile(path string) (*statusFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f statusFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}

func findObject(f *statusFile, name string) *objectStatus {
	for i := range f.Objects {
		if f.Objects[i].Name == name {
			return &f.Objects[i]
		}
	}
	return nil
}

// counterStatus returns the HeaderCounter's counts from the pipeline's
// status.
func counterStatus(f *statusFile) (counts map[string]int64, missing int64, found bool) {
	p := findObject(f, "counted")
	if p == nil {
		return nil, 0, false
	}
	var st struct {
		Filters []struct {
			Name   string `json:"name"`
			Status struct {
				Counts  map[string]int64 `json:"counts"`
				Missing int64            `json:"missing"`
			} `json:"status"`
		} `json:"filters"`
	}
	if json.Unmarshal(p.Status, &st) != nil {
		return nil, 0, false
	}
	for _, fl := range st.Filters {
		if fl.Name == "counter" {
			return fl.Status.Counts, fl.Status.Missing, true
		}
	}
	return nil, 0, false
}
