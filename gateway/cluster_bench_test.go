package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/registry"
)

// BenchmarkClusterWriteToServe measures, on a 3-node loopback cluster of
// gateways, the time from applying a changed object on one node (each
// node in turn, so two in three writes are forwarded to the leader) until
// every node's data plane answers with the change. It reports the median,
// 99th percentile and worst time.
func BenchmarkClusterWriteToServe(b *testing.B) {
	gws := gatewayCluster(b, 3, registry.Default)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	ctx := context.Background()
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get := func(ip string) string {
		resp, err := c.Get(fmt.Sprintf("http://%s:%d/", ip, port))
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	// waitServed polls every node until it answers want.
	waitServed := func(want string) {
		var wg sync.WaitGroup
		for i := range gws {
			ip := fmt.Sprintf("127.0.0.%d", i+1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				deadline := time.Now().Add(10 * time.Second)
				for get(ip) != want {
					if time.Now().After(deadline) {
						b.Errorf("%s does not serve %q", ip, want)
						return
					}
					time.Sleep(500 * time.Microsecond)
				}
			}()
		}
		wg.Wait()
	}
	if _, err := gws[0].Apply(ctx, []byte(fmt.Sprintf(clusterDemo, port, "v0"))); err != nil {
		b.Fatal(err)
	}
	waitServed("v0")
	var lat []time.Duration
	n := 0
	for b.Loop() {
		n++
		want := fmt.Sprintf("v%d", n)
		start := time.Now()
		if _, err := gws[n%len(gws)].Apply(ctx, []byte(fmt.Sprintf(clusterDemo, port, want))); err != nil {
			b.Fatal(err)
		}
		waitServed(want)
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}
