package proxy

import (
	"bytes"
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// Memory cache settings.
const (
	// DefaultCacheTotalBytes bounds a pool's cache when maxTotalBytes is 0.
	DefaultCacheTotalBytes = 64 << 20
	// cacheShards spreads entries over independently locked shards.
	cacheShards = 16
	// cacheEntryOverhead is counted for every entry besides its bytes.
	cacheEntryOverhead = 128
	// maxCacheKey is the longest key looked up; requests with longer
	// targets are not cached.
	maxCacheKey = 2048
)

// memoryCache is a pool's reply cache: entries keyed by method, scheme,
// host and target (path and query), each served until it expires, all
// together bounded in bytes. Entries are immutable once stored, so a hit
// hands the stored body to the response without copying it. Shards are
// locked separately; a hit moves its entry to the front of its shard's
// least-recently-used list; a store evicts the globally least recently
// used entries while the cache is over its bound. A cache is shared by
// the generations of a Proxy whose pool kept its identity (cacheshare.go);
// everything but the entries and counters is immutable, so both may use it
// at once.
type memoryCache struct {
	// identity is the pool's cacheIdentity.
	identity string
	// refs counts the pools holding the cache; 0 means released for good.
	refs atomic.Int64

	expiration time.Duration
	maxEntry   int
	maxTotal   int64
	codes      [600]bool
	methods    []string
	seed       maphash.Seed
	shards     [cacheShards]cacheShard
	// total is the size of all entries.
	total atomic.Int64

	hits, misses, stored, evicted atomic.Uint64
}

// cacheShard is one locked part of a cache, with its entries in
// least-recently-used order (head: most recent).
type cacheShard struct {
	mu         sync.Mutex
	entries    map[string]*cacheEntry
	head, tail *cacheEntry
}

// cacheEntry is one stored reply.
type cacheEntry struct {
	key      string
	status   int
	headers  [][2][]byte
	body     []byte
	storedAt time.Time
	expires  time.Time
	// used is when the entry was stored or last served; guarded by the
	// shard lock.
	used time.Time
	size int64
	// prev and next link the shard's list; guarded by the shard lock.
	prev, next *cacheEntry
}

// newMemoryCache compiles a validated spec into an empty cache holding one
// reference.
func newMemoryCache(identity string, spec *MemoryCacheSpec) *memoryCache {
	c := &memoryCache{
		identity:   identity,
		expiration: spec.Expiration.D(),
		maxEntry:   int(spec.MaxEntryBytes),
		maxTotal:   spec.MaxTotalBytes,
		methods:    spec.Methods,
		seed:       maphash.MakeSeed(),
	}
	if c.maxTotal <= 0 {
		c.maxTotal = DefaultCacheTotalBytes
	}
	for _, code := range spec.Codes {
		c.codes[code] = true
	}
	for i := range c.shards {
		c.shards[i].entries = map[string]*cacheEntry{}
	}
	c.refs.Store(1)
	return c
}

// cacheable reports whether the request may be answered from or stored
// in the cache: its method is cached, it carries no credentials, and its
// Cache-Control does not forbid it (no-cache and no-store skip the
// lookup; no-store also the storing, which store checks).
func (c *memoryCache) cacheable(req *httpprot.Request) bool {
	if !methodIn(req.Header.Method(), c.methods) || len(req.Header.Peek(fasthttp.HeaderAuthorization)) > 0 {
		return false
	}
	cc := parseCacheControl(req.Header.Peek(fasthttp.HeaderCacheControl))
	return !cc.noCache && !cc.noStore
}

// key appends the cache key of req to buf.
func cacheKey(buf []byte, req *httpprot.Request) []byte {
	buf = append(buf, req.Header.Method()...)
	buf = append(buf, ' ')
	buf = append(buf, req.Header.Peek(headerXForwardedProto)...)
	buf = append(buf, "://"...)
	buf = append(buf, req.Header.Host()...)
	return append(buf, req.URI().RequestURI()...)
}

// shard returns the shard of a key.
func (c *memoryCache) shard(key []byte) *cacheShard {
	return &c.shards[maphash.Bytes(c.seed, key)%cacheShards]
}

// serve answers req from the cache when it holds a fresh entry; it
// reports whether it did.
func (c *memoryCache) serve(ctx *filter.Context, req *httpprot.Request) bool {
	if !c.cacheable(req) {
		return false
	}
	var buf [maxCacheKey]byte
	key := cacheKey(buf[:0], req)
	if len(key) > maxCacheKey {
		return false
	}
	now := time.Now()
	sh := c.shard(key)
	sh.mu.Lock()
	e := sh.entries[string(key)]
	if e != nil && !now.Before(e.expires) {
		c.removeLocked(sh, e)
		e = nil
	}
	if e != nil {
		e.used = now
		sh.moveToFront(e)
	}
	sh.mu.Unlock()
	if e == nil {
		c.misses.Add(1)
		return false
	}
	c.hits.Add(1)
	resp := ctx.NewResponse()
	resp.SetStatusCode(e.status)
	for _, kv := range e.headers {
		resp.Header.AddBytesKV(kv[0], kv[1])
	}
	var age [20]byte
	resp.Header.SetBytesV(fasthttp.HeaderAge, strconv.AppendInt(age[:0], int64(now.Sub(e.storedAt)/time.Second), 10))
	resp.SetBodyRaw(e.body)
	return true
}

// store keeps a copy of a successful reply when the request and the
// reply allow it: status and method cached, body buffered and at most
// maxEntryBytes, no Set-Cookie, no Vary, and no Cache-Control no-store,
// no-cache or private on the reply (nor no-store on the request). A
// max-age or s-maxage shorter than the expiration shortens the entry's
// life; 0 keeps it out.
func (c *memoryCache) store(req *httpprot.Request, resp *httpprot.Response) {
	if resp == nil || !c.codes[clampStatus(resp.StatusCode())] || resp.IsBodyStream() || len(resp.Body()) > c.maxEntry {
		return
	}
	if !methodIn(req.Header.Method(), c.methods) || len(req.Header.Peek(fasthttp.HeaderAuthorization)) > 0 ||
		parseCacheControl(req.Header.Peek(fasthttp.HeaderCacheControl)).noStore {
		return
	}
	if len(resp.Header.Peek(fasthttp.HeaderSetCookie)) > 0 || len(resp.Header.Peek(fasthttp.HeaderVary)) > 0 {
		return
	}
	cc := parseCacheControl(resp.Header.Peek(fasthttp.HeaderCacheControl))
	if cc.noStore || cc.noCache || cc.private {
		return
	}
	ttl := c.expiration
	if cc.maxAge >= 0 {
		ttl = min(ttl, time.Duration(cc.maxAge)*time.Second)
	}
	if ttl <= 0 {
		return
	}
	var buf [maxCacheKey]byte
	key := cacheKey(buf[:0], req)
	if len(key) > maxCacheKey {
		return
	}
	now := time.Now()
	e := &cacheEntry{
		key:      string(key),
		status:   resp.StatusCode(),
		body:     bytes.Clone(resp.Body()),
		storedAt: now,
		expires:  now.Add(ttl),
		used:     now,
	}
	if e.body == nil {
		e.body = []byte{}
	}
	e.size = int64(len(e.key)+len(e.body)) + cacheEntryOverhead
	for k, v := range resp.Header.All() {
		switch string(k) {
		case fasthttp.HeaderContentLength, fasthttp.HeaderAge, fasthttp.HeaderDate:
			continue
		}
		e.headers = append(e.headers, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
		e.size += int64(len(k) + len(v))
	}
	if ct := resp.Header.ContentType(); len(ct) > 0 && !hasHeader(e.headers, fasthttp.HeaderContentType) {
		e.headers = append(e.headers, [2][]byte{[]byte(fasthttp.HeaderContentType), bytes.Clone(ct)})
	}
	sh := c.shard(key)
	sh.mu.Lock()
	if old := sh.entries[e.key]; old != nil {
		c.removeLocked(sh, old)
	}
	sh.entries[e.key] = e
	sh.pushFront(e)
	c.total.Add(e.size)
	c.stored.Add(1)
	sh.mu.Unlock()
	c.evict(e)
}

// evict removes least recently used entries, other than keep, while the
// cache is over its bound. The victim is the oldest of the shards' least
// recently used entries; evictions happen on stores only (misses).
func (c *memoryCache) evict(keep *cacheEntry) {
	for c.total.Load() > c.maxTotal {
		var victim *cacheShard
		var oldest time.Time
		for i := range c.shards {
			sh := &c.shards[i]
			sh.mu.Lock()
			if t := sh.tail; t != nil && t != keep && (victim == nil || t.used.Before(oldest)) {
				victim, oldest = sh, t.used
			}
			sh.mu.Unlock()
		}
		if victim == nil {
			return
		}
		victim.mu.Lock()
		if t := victim.tail; t != nil && t != keep {
			c.removeLocked(victim, t)
			c.evicted.Add(1)
		}
		victim.mu.Unlock()
	}
}

// removeLocked drops e from sh.
func (c *memoryCache) removeLocked(sh *cacheShard, e *cacheEntry) {
	delete(sh.entries, e.key)
	sh.unlink(e)
	c.total.Add(-e.size)
}

func (sh *cacheShard) pushFront(e *cacheEntry) {
	e.prev, e.next = nil, sh.head
	if sh.head != nil {
		sh.head.prev = e
	}
	sh.head = e
	if sh.tail == nil {
		sh.tail = e
	}
}

func (sh *cacheShard) unlink(e *cacheEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else if sh.head == e {
		sh.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else if sh.tail == e {
		sh.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (sh *cacheShard) moveToFront(e *cacheEntry) {
	if sh.head == e {
		return
	}
	sh.unlink(e)
	sh.pushFront(e)
}

// cacheStatus counts a cache's use.
type cacheStatus struct {
	entries int
	bytes   int64
}

// snapshot counts the entries.
func (c *memoryCache) snapshot() cacheStatus {
	st := cacheStatus{bytes: c.total.Load()}
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		st.entries += len(sh.entries)
		sh.mu.Unlock()
	}
	return st
}

// clampStatus maps a status outside 0-599 to 0.
func clampStatus(code int) int {
	if code < 0 || code >= 600 {
		return 0
	}
	return code
}

// hasHeader reports whether headers holds name (ASCII case-insensitive).
func hasHeader(headers [][2][]byte, name string) bool {
	for _, kv := range headers {
		if bytes.EqualFold(kv[0], []byte(name)) {
			return true
		}
	}
	return false
}

// cacheControl is what the cache reads of a Cache-Control value.
type cacheControl struct {
	noStore, noCache, private bool
	// maxAge is s-maxage, else max-age, in seconds; -1 when absent.
	maxAge int64
}

// parseCacheControl reads the directives the cache honours.
func parseCacheControl(v []byte) cacheControl {
	cc := cacheControl{maxAge: -1}
	sMaxAge := int64(-1)
	for len(v) > 0 {
		var d []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			d, v = v[:i], v[i+1:]
		} else {
			d, v = v, nil
		}
		d = bytes.TrimSpace(d)
		name, arg := d, []byte(nil)
		if i := bytes.IndexByte(d, '='); i >= 0 {
			name, arg = bytes.TrimSpace(d[:i]), bytes.Trim(bytes.TrimSpace(d[i+1:]), `"`)
		}
		switch {
		case asciiEqualFold(name, "no-store"):
			cc.noStore = true
		case asciiEqualFold(name, "no-cache"):
			cc.noCache = true
		case asciiEqualFold(name, "private"):
			cc.private = true
		case asciiEqualFold(name, "max-age"):
			cc.maxAge = parseSeconds(arg)
		case asciiEqualFold(name, "s-maxage"):
			sMaxAge = parseSeconds(arg)
		}
	}
	if sMaxAge >= 0 {
		cc.maxAge = sMaxAge
	}
	return cc
}

// parseSeconds reads a delta-seconds value; invalid is 0 (stale).
func parseSeconds(b []byte) int64 {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
