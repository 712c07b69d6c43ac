package gateway_test

import (
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

	"github.com/gatewright/gatewright/internal/testkit"
)

// cliNode is one gateway process of the CLI cluster test.
type cliNode struct {
	name string
	cmd  *exec.Cmd
	logs *testkit.SyncBuffer
}

// startNode runs the example gateway binary with args.
func startNode(t *testing.T, bin, name string, args ...string) *cliNode {
	t.Helper()
	cmd, logs := testkit.StartProcess(t, name, bin, t.TempDir(), args...)
	return &cliNode{name: name, cmd: cmd, logs: logs}
}

// stop sends SIGTERM and waits for a clean exit.
func (n *cliNode) stop(t *testing.T) {
	t.Helper()
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s exited with %v", n.name, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not stop after SIGTERM", n.name)
	}
}

// TestClusterFromTheCommandLine runs the README's cluster: three gateway
// processes on 127.0.0.1, .2 and .3, each with a Node document in its
// --config file (the same settings as flags would give), bootstrapping
// together; the third file also holds objects, which are written through
// the leader and served by all three. SIGTERM makes a node leave the
// cluster cleanly while the others keep serving.
func TestClusterFromTheCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example gateway")
	}
	bin := testkit.BuildBinary(t, "../examples/gateway", "gateway")
	dir := t.TempDir()
	var clusterAddr, gossip [3]string
	for i := range 3 {
		ip := fmt.Sprintf("127.0.0.%d", i+1)
		clusterAddr[i], gossip[i] = freeAddrOn(t, ip), freeAddrOn(t, ip)
	}
	port := testkit.FreePort(t)
	objects := "---" + fmt.Sprintf(clusterDemo, port, "served by the cluster")
	var nodes []*cliNode
	for i := range 3 {
		config := fmt.Sprintf(`kind: Node
name: n%d
dataDir: %s
trafficIP: 127.0.0.%d
clusterAddr: %s
gossipAddr: %s
apiAddr: "off"
bootstrapExpect: 3
join: [%s]
`, i+1, filepath.Join(dir, fmt.Sprint("n", i+1)), i+1, clusterAddr[i], gossip[i], strings.Join(gossip[:], ", "))
		if i == 2 {
			config += objects
		}
		path := filepath.Join(dir, fmt.Sprintf("n%d.yaml", i+1))
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, startNode(t, bin, fmt.Sprint("n", i+1), "--config", path))
	}

	c := &http.Client{Timeout: time.Second}
	serves := func(ip string) bool {
		resp, err := c.Get(fmt.Sprintf("http://%s:%d/", ip, port))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == 200 && string(b) == "served by the cluster"
	}
	for _, ip := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"} {
		pollUntil(t, ip+" to serve the objects applied on n3", func() bool { return serves(ip) })
	}

	// SIGTERM: n1 leaves (handing over the leadership if it leads) and the
	// others remove it from raft.
	nodes[0].stop(t)
	if !strings.Contains(nodes[0].logs.String(), "cluster: left the raft configuration") {
		t.Fatalf("n1 did not leave the cluster on SIGTERM:\n%s", nodes[0].logs.String())
	}
	pollUntil(t, "the others to drop n1", func() bool {
		return strings.Contains(nodes[1].logs.String()+nodes[2].logs.String(), "change=remove member=n1")
	})
	for _, ip := range []string{"127.0.0.2", "127.0.0.3"} {
		if !serves(ip) {
			t.Fatalf("%s stopped serving after n1 left", ip)
		}
	}
	nodes[1].stop(t)
	nodes[2].stop(t)
}
