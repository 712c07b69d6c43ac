package httpserver

import (
	"bytes"
	"hash/maphash"
	"sync/atomic"
)

// maxRouteCacheEntries caps cacheSize: the cache's slot array is
// allocated whole when a generation is compiled.
const maxRouteCacheEntries = 1 << 20

// routeCache remembers routing decisions of one generation (cacheSize).
//
// A decision is cached only when the search that made it looked at
// nothing but host, method and path: no rule or path IP filter and no
// header or query condition was evaluated on the way (routeInput's
// dependent flag). Such a decision is a function of (host, method, path)
// alone, so replaying it can never pick another route than a search
// would; the server IP filter is still checked on every request, before
// the cache. Refusals (404, 405) are cached like winners, and a RadixTree
// winner keeps the offsets of its captured values, which stay valid for
// the same path.
//
// The cache is direct-mapped: a fixed array of slots, each an atomic
// pointer to an immutable entry; a key's slot comes from a seeded hash
// of host, path and method, and a new entry replaces whatever held its
// slot. A hit is one atomic load and a key comparison: no lock and no
// allocation. A miss that gets stored allocates the entry (a copy of host
// and path). The cache belongs to the snapshot, so a spec change discards
// it with the generation.
type routeCache struct {
	seed  maphash.Seed
	slots []atomic.Pointer[routeCacheEntry]
}

// routeCacheEntry is one remembered decision. It is never modified once
// published.
type routeCacheEntry struct {
	hash    uint64
	method  methodSet
	hostLen int
	key     []byte // host then path
	route   *route // nil: refused with status
	status  int
	caps    []paramSpan
}

// RouteCacheStatus describes the route-decision cache of a server.
type RouteCacheStatus struct {
	// Size is the most decisions the cache holds.
	Size int `json:"size"`
	// Entries is the number of decisions it holds now.
	Entries int `json:"entries"`
}

// status counts the cache's entries; nil for no cache.
func (c *routeCache) status() *RouteCacheStatus {
	if c == nil {
		return nil
	}
	return &RouteCacheStatus{Size: len(c.slots), Entries: c.len()}
}

// newRouteCache returns a cache of size entries (capped), or nil for 0.
func newRouteCache(size uint32) *routeCache {
	if size == 0 {
		return nil
	}
	return &routeCache{
		seed:  maphash.MakeSeed(),
		slots: make([]atomic.Pointer[routeCacheEntry], min(size, maxRouteCacheEntries)),
	}
}

// hash mixes host, path and method.
func (c *routeCache) hash(host, path []byte, method methodSet) uint64 {
	h := maphash.Bytes(c.seed, host)*0x9e3779b97f4a7c15 ^ maphash.Bytes(c.seed, path)
	return h ^ uint64(method)<<48
}

// slot maps a hash to a slot index in [0, len(slots)).
func (c *routeCache) slot(h uint64) *atomic.Pointer[routeCacheEntry] {
	return &c.slots[(h>>32)*uint64(len(c.slots))>>32]
}

// get returns the decision remembered for the key, or nil.
func (c *routeCache) get(host, path []byte, method methodSet) *routeCacheEntry {
	h := c.hash(host, path, method)
	e := c.slot(h).Load()
	if e == nil || e.hash != h || e.method != method || e.hostLen != len(host) ||
		len(e.key) != len(host)+len(path) || !bytes.Equal(e.key[:e.hostLen], host) || !bytes.Equal(e.key[e.hostLen:], path) {
		return nil
	}
	return e
}

// put remembers a decision; caps are copied.
func (c *routeCache) put(host, path []byte, method methodSet, r *route, status int, caps []paramSpan) {
	key := make([]byte, 0, len(host)+len(path))
	key = append(append(key, host...), path...)
	e := &routeCacheEntry{
		hash:    c.hash(host, path, method),
		method:  method,
		hostLen: len(host),
		key:     key,
		route:   r,
		status:  status,
	}
	if len(caps) > 0 {
		e.caps = append([]paramSpan(nil), caps...)
	}
	c.slot(e.hash).Store(e)
}

// len counts the occupied slots (for tests and status).
func (c *routeCache) len() int {
	n := 0
	for i := range c.slots {
		if c.slots[i].Load() != nil {
			n++
		}
	}
	return n
}
