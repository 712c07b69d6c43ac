package ratelimiter

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestKeyTableSharding(t *testing.T) {
	for _, tc := range []struct{ maxKeys, shards, perShard int }{
		{1, 1, 1},
		{100, 1, 100},
		{128, 2, 64},
		{10_000, 64, 157},
		{10_000_000, 64, 156_250},
	} {
		kt := newKeyTable(tc.maxKeys)
		if len(kt.shards) != tc.shards || kt.perShard != tc.perShard {
			t.Errorf("maxKeys %d: %d shards of %d, want %d of %d", tc.maxKeys, len(kt.shards), kt.perShard, tc.shards, tc.perShard)
		}
	}
}

func TestKeyTableSeparateKeys(t *testing.T) {
	r := rate{period: 100 * ms, permits: 2, timeout: 0}
	kt := newKeyTable(100)
	a, b := kt.get([]byte("alice"), &r, 0), kt.get([]byte("bob"), &r, 0)
	if a == b || kt.get([]byte("alice"), &r, 0) != a {
		t.Fatal("keys must map to their own, stable limiters")
	}
	for range 2 {
		if _, ok := a.acquire(&r, 0); !ok {
			t.Fatal("alice refused")
		}
	}
	if _, ok := a.acquire(&r, 0); ok {
		t.Fatal("alice got a third permit")
	}
	if _, ok := b.acquire(&r, 0); !ok {
		t.Fatal("bob is limited by alice's use")
	}
}

func TestKeyTableDropsIdleFirst(t *testing.T) {
	r := rate{period: 100 * ms, permits: 1, timeout: 0}
	kt := newKeyTable(10) // one shard, exact bound
	// Ten keys take their permit in period 0.
	for i := range 10 {
		kt.get([]byte("k"+strconv.Itoa(i)), &r, 0).acquire(&r, 0)
	}
	// In period 1, k0..k4 are active again.
	for i := range 5 {
		kt.get([]byte("k"+strconv.Itoa(i)), &r, 100*ms).acquire(&r, 100*ms)
	}
	// A new key makes room by dropping only the idle k5..k9.
	kt.get([]byte("new"), &r, 100*ms)
	if n := kt.len(); n != 6 {
		t.Fatalf("%d keys after making room, want the 5 active ones and the new one", n)
	}
	for i := range 5 {
		if _, ok := kt.get([]byte("k"+strconv.Itoa(i)), &r, 100*ms).acquire(&r, 100*ms); ok {
			t.Fatalf("active key k%d lost its state: got a second permit in period 1", i)
		}
	}
}

func TestKeyTableBoundWhenAllBusy(t *testing.T) {
	r := rate{period: int64(1 << 40), permits: 1, timeout: 0}
	kt := newKeyTable(16)
	for i := range 1000 {
		kt.get([]byte("k"+strconv.Itoa(i)), &r, 0).acquire(&r, 0)
		if n := kt.len(); n > 16 {
			t.Fatalf("after %d keys the table holds %d, more than maxKeys 16", i+1, n)
		}
	}
}

func TestKeyTableBoundSharded(t *testing.T) {
	r := rate{period: int64(1 << 40), permits: 1, timeout: 0}
	const maxKeys = 4096
	kt := newKeyTable(maxKeys)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				kt.get([]byte(strconv.Itoa(g)+"-"+strconv.Itoa(i)), &r, 0).acquire(&r, 0)
			}
		}()
	}
	wg.Wait()
	if n := kt.len(); n > maxKeys || n < maxKeys/2 {
		t.Fatalf("table holds %d keys after 20000 distinct ones, want at most %d (and not far below)", n, maxKeys)
	}
}

func TestKeyTableLongKeys(t *testing.T) {
	r := rate{period: 100 * ms, permits: 1, timeout: 0}
	kt := newKeyTable(10)
	long := strings.Repeat("x", 10_000)
	l := kt.get([]byte(long), &r, 0)
	if kt.get([]byte(long), &r, 0) != l {
		t.Fatal("a long key must find its limiter again")
	}
	if kt.get([]byte(long+"y"), &r, 0) == l {
		t.Fatal("two long keys share a limiter")
	}
	s := &kt.shards[0]
	for k := range s.m {
		if len(k) > maxKeyLen {
			t.Fatalf("a key of %d bytes is kept as it is", len(k))
		}
	}
}
