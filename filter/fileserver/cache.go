package fileserver

import (
	"sync"
	"sync/atomic"
	"time"
)

// Revalidate is how often a cached file is checked against the disk: a
// hit within this long of the last check is served without a stat.
const Revalidate = time.Second

// entry is one cached representation of a file, ready to send.
type entry struct {
	meta
	key    string // the cache key: variant byte and raw request path
	rel    string // the file served, relative to the root
	data   []byte // the whole representation; never modified
	direct bool   // the request path named the file (no fallback taken)

	diskSize  int64 // size of the file read, to notice a change
	diskMtime int64 // its mtime in unix nanoseconds
	expires   int64 // unix nanoseconds
	checked   atomic.Int64
	used      atomic.Int64
}

// cache holds small files in memory, bounded in bytes; entries expire
// after ttl and the least recently used one makes room. Lookups take a
// read lock only.
type cache struct {
	maxBytes   int64
	maxFile    int64
	ttl        time.Duration
	revalidate time.Duration

	mu    sync.RWMutex
	m     map[string]*entry
	bytes int64

	hits, misses, evictions atomic.Uint64
}

func newCache(maxBytes, maxFile int64, ttl time.Duration) *cache {
	return &cache{maxBytes: maxBytes, maxFile: maxFile, ttl: ttl, revalidate: Revalidate, m: make(map[string]*entry)}
}

// get returns the live entry of key, or nil; an expired entry is dropped.
func (c *cache) get(key []byte, now int64) *entry {
	c.mu.RLock()
	e := c.m[string(key)]
	c.mu.RUnlock()
	if e == nil {
		return nil
	}
	if now >= e.expires {
		c.remove(e)
		return nil
	}
	e.used.Store(now)
	return e
}

// fits reports whether a representation of size bytes may be cached.
func (c *cache) fits(size int64) bool { return size <= c.maxFile && size <= c.maxBytes }

// put adds e (replacing an entry of the same key), dropping expired
// entries and then the least recently used ones until it fits.
func (c *cache) put(e *entry, now int64) {
	size := int64(len(e.data))
	if !c.fits(size) {
		return
	}
	e.expires = now + int64(c.ttl)
	e.checked.Store(now)
	e.used.Store(now)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[e.key]; old != nil {
		c.dropLocked(old)
	}
	if c.bytes+size > c.maxBytes {
		for _, x := range c.m {
			if now >= x.expires {
				c.dropLocked(x)
			}
		}
	}
	for c.bytes+size > c.maxBytes && len(c.m) > 0 {
		var oldest *entry
		for _, x := range c.m {
			if oldest == nil || x.used.Load() < oldest.used.Load() {
				oldest = x
			}
		}
		c.dropLocked(oldest)
	}
	c.m[e.key] = e
	c.bytes += size
}

// remove drops e if it is still the entry of its key.
func (c *cache) remove(e *entry) {
	c.mu.Lock()
	if c.m[e.key] == e {
		c.dropLocked(e)
	}
	c.mu.Unlock()
}

func (c *cache) dropLocked(e *entry) {
	delete(c.m, e.key)
	c.bytes -= int64(len(e.data))
	c.evictions.Add(1)
}

// clear drops every entry.
func (c *cache) clear() {
	c.mu.Lock()
	clear(c.m)
	c.bytes = 0
	c.mu.Unlock()
}

// Stats are a FileServer's cache counts, its Status.
type Stats struct {
	// Hits counts requests answered from memory.
	Hits uint64 `json:"hits"`
	// Misses counts requests that read the disk.
	Misses uint64 `json:"misses"`
	// Evictions counts entries dropped (expired, changed or for room).
	Evictions uint64 `json:"evictions"`
	// Entries is the number of cached representations.
	Entries int `json:"entries"`
	// Bytes is their total size.
	Bytes int64 `json:"bytes"`
}

func (c *cache) stats() Stats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(), Entries: len(c.m), Bytes: c.bytes}
}
