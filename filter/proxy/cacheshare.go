package proxy

import (
	"slices"
	"strconv"
	"strings"
)

// A pool's reply cache outlives a configuration update that leaves the
// pool's replies unchanged: the next generation's pool of the same name
// takes it over, with its entries and their expiries, when the cache
// identity below is the same. The cache is shared with reference counting
// like the upstream connection pools (server.go): both generations serve
// from it while the previous one drains, and only the last release empties
// it.

// cacheIdentity identifies what a pool's cached replies depend on: the
// pool's name (its place in the spec), its memoryCache spec, its servers
// (URL and whether the client's Host is sent), its failure codes (a
// failure is never stored), and the Proxy's maxRedirection (followed or
// returned 3xx) and TLS settings (the client certificate shown). Load
// balancing, timeouts, health checks, policies, filters, buffering and
// compression leave it unchanged. Codes, methods and servers are compared
// as sets.
func cacheIdentity(name string, spec *MemoryCacheSpec, servers []*server, failureCodes []int, maxRedirects int, tlsKey string) string {
	var b strings.Builder
	b.WriteString(strconv.Quote(name))
	b.WriteString("|exp=")
	b.WriteString(spec.Expiration.D().String())
	b.WriteString("|entry=")
	b.WriteString(strconv.FormatUint(uint64(spec.MaxEntryBytes), 10))
	b.WriteString("|total=")
	b.WriteString(strconv.FormatInt(spec.MaxTotalBytes, 10))
	writeInts(&b, "|codes=", spec.Codes)
	writeStrings(&b, "|methods=", spec.Methods)
	srvs := make([]string, len(servers))
	for i, s := range servers {
		srvs[i] = s.spec.URL + " clientHost=" + strconv.FormatBool(s.useClientHost)
	}
	writeStrings(&b, "|servers=", srvs)
	writeInts(&b, "|failure=", failureCodes)
	b.WriteString("|redirects=")
	b.WriteString(strconv.Itoa(maxRedirects))
	b.WriteString("|tls=")
	b.WriteString(tlsKey)
	return b.String()
}

// writeInts writes label and the sorted, deduplicated values.
func writeInts(b *strings.Builder, label string, values []int) {
	sorted := slices.Compact(slices.Sorted(slices.Values(values)))
	b.WriteString(label)
	for i, v := range sorted {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(v))
	}
}

// writeStrings writes label and the sorted, deduplicated values, quoted.
func writeStrings(b *strings.Builder, label string, values []string) {
	sorted := slices.Compact(slices.Sorted(slices.Values(values)))
	b.WriteString(label)
	for i, v := range sorted {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(v))
	}
}

// acquire takes one more reference; it fails once the cache was released
// for good.
func (c *memoryCache) acquire() bool {
	for {
		n := c.refs.Load()
		if n <= 0 {
			return false
		}
		if c.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release drops a reference; the last one empties the cache, so that its
// memory goes even while a closed generation is still referenced.
func (c *memoryCache) release() {
	if c.refs.Add(-1) == 0 {
		c.clear()
	}
}

// clear drops every entry.
func (c *memoryCache) clear() {
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		for e := sh.head; e != nil; {
			next := e.next
			c.removeLocked(sh, e)
			e = next
		}
		sh.mu.Unlock()
	}
}
