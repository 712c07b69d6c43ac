package clustertest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/cluster/clustertest"
)

// BenchmarkClusterPut measures writes on a 3-node loopback cluster: one
// writer on the leader, one on a follower (each write forwarded to the
// leader), and 32 concurrent writers spread over the three nodes (raft
// batches what arrives together). It reports writes per second and the
// median and 99th percentile latency of one write.
func BenchmarkClusterPut(b *testing.B) {
	b.Run("sequential-leader", func(b *testing.B) { benchPuts(b, 1, true) })
	b.Run("sequential-follower", func(b *testing.B) { benchPuts(b, 1, false) })
	b.Run("32-writers", func(b *testing.B) { benchPuts(b, 32, false) })
}

// benchPuts runs writers concurrent writers; with onLeader they all write
// on the leader, otherwise writer w writes on follower w, or spread over
// all nodes when there are more writers than followers.
func benchPuts(b *testing.B, writers int, onLeader bool) {
	c := clustertest.New(b, 3, clustertest.Options{})
	leader := c.Leader()
	var stores []*cluster.Store
	switch {
	case onLeader:
		stores = []*cluster.Store{leader.Store()}
	case writers == 1:
		stores = []*cluster.Store{c.Followers()[0].Store()}
	default:
		for _, n := range c.Running() {
			stores = append(stores, n.Store())
		}
	}
	value := []byte(`{"kind":"Pipeline","name":"p","filters":[{"name":"m","kind":"Mock","rules":[{"code":200,"body":"` + strings.Repeat("x", 400) + `"}]}]}`)
	ctx := context.Background()
	jobs := make(chan int)
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for w := range writers {
		s := stores[w%len(stores)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := range jobs {
				start := time.Now()
				if _, err := s.Put(ctx, fmt.Sprintf("objects/bench-%d", i%1000), value); err != nil {
					b.Errorf("Put: %v", err)
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	start := time.Now()
	n := 0
	for b.Loop() {
		jobs <- n
		n++
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "writes/s")
	reportLatency(b, lat)
}

// reportLatency reports the median and 99th percentile of lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
