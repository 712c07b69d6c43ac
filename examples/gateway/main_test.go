package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gatewright/gatewright/internal/testkit"
)

// waitFor polls url until it answers with want, or fails after a deadline.
func waitFor(t *testing.T, url string, want int) string {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := c.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == want {
				return string(b)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d in time (last error %v)", url, want, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDemoAnswersAsTheREADMESays(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:10080", "127.0.0.1:19001", "127.0.0.1:19002"} {
		if ln, err := net.Listen("tcp", addr); err != nil {
			t.Skipf("demo port %s is busy: %v", addr, err)
		} else {
			ln.Close()
		}
	}
	bin := testkit.BuildBinary(t, ".", "gateway")
	cmd, _ := testkit.StartProcess(t, "gateway", bin, t.TempDir(), "--api-addr", "127.0.0.1:0")
	if body := waitFor(t, "http://127.0.0.1:10080/hello", 200); body != "hello from gatewright\n" {
		t.Fatalf("/hello: %q", body)
	}
	seen := map[string]bool{}
	for i := 0; i < 4; i++ {
		body := waitFor(t, "http://127.0.0.1:10080/api/whoami", 200)
		if !strings.Contains(body, "GET /whoami") || !strings.Contains(body, "X-Gateway: gatewright-demo") {
			t.Fatalf("/api/whoami: %q", body)
		}
		seen[strings.Fields(body)[1]] = true
	}
	if !seen["127.0.0.1:19001"] || !seen["127.0.0.1:19002"] {
		t.Fatalf("not balanced over both upstreams: %v", seen)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:10080/api/whoami", nil)
	req.Header.Set("X-Canary", "yes")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "upstream 127.0.0.1:19002") || resp.Header.Get("Server") != "gatewright" {
		t.Fatalf("canary: %q server %q", b, resp.Header.Get("Server"))
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}

func TestSIGTERMDrainsInFlightRequests(t *testing.T) {
	// A slow upstream that says when a request has reached it.
	arrived := make(chan struct{}, 1)
	upLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		time.Sleep(time.Second)
		_, _ = w.Write([]byte("finished"))
	})}
	go func() { _ = up.Serve(upLn) }()
	defer up.Close()

	port := testkit.FreePort(t)
	dir := t.TempDir()
	config := fmt.Sprintf(`
kind: Node
name: drain-test
dataDir: %s
---
kind: HTTPServer
name: edge
port: %d
address: 127.0.0.1
rules: [{paths: [{path: /slow, backend: slow}, {path: /ready, backend: ready}]}]
---
kind: Pipeline
name: slow
filters: [{name: up, kind: Proxy, pools: [{servers: [{url: "http://%s"}]}]}]
---
kind: Pipeline
name: ready
filters: [{name: reply, kind: Mock, rules: [{code: 200, body: ready}]}]
`, filepath.Join(dir, "data"), port, upLn.Addr())
	cfgPath := filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := testkit.BuildBinary(t, ".", "gateway")
	cmd, _ := testkit.StartProcess(t, "gateway", bin, dir, "--config", cfgPath, "--api-addr", "127.0.0.1:0")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, base+"/ready", 200)

	type result struct {
		code int
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(base + "/slow")
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{code: resp.StatusCode, body: string(b)}
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow request never reached the upstream")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.code != 200 || r.body != "finished" {
		t.Fatalf("in-flight request during SIGTERM: %+v", r)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit status after SIGTERM: %v", err)
	}
}
