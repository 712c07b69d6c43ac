// Command gateway is the full API gateway build: every built-in kind, run by
// gateway.Main.
//
// Without --config it runs a demo: two upstream HTTP servers on
// 127.0.0.1:19001 and 127.0.0.1:19002, and the objects of demo.yaml, an
// HTTPServer on port 10080 routing /hello to a Mock and /api/ to a Proxy
// that balances across the two upstreams. With --config FILE it runs the
// objects of FILE instead and starts no demo upstreams.
//
//	go run ./examples/gateway
//	curl http://127.0.0.1:10080/api/whoami
package main

import (
	_ "embed"
	"fmt"
	"os"
	"strings"

	"github.com/gatewright/gatewright/gateway"
	_ "github.com/gatewright/gatewright/registry/standard"
)

//go:embed demo.yaml
var demoConfig []byte

func main() {
	args := os.Args[1:]
	if hasFlag(args, "config") || hasFlag(args, "help") || hasFlag(args, "h") {
		gateway.Main()
		return
	}
	stop, err := startDemoUpstreams("127.0.0.1:19001", "127.0.0.1:19002")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo upstreams:", err)
		os.Exit(1)
	}
	defer stop()
	fmt.Fprintln(os.Stderr, "demo: try  curl http://127.0.0.1:10080/hello  and  curl http://127.0.0.1:10080/api/whoami")
	code := gateway.MainArgs(args, os.Stderr, []gateway.Option{gateway.WithObjects(demoConfig)})
	stop()
	os.Exit(code)
}

// hasFlag reports whether args set the named flag (-name, --name, with or
// without =value).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}
