package validator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"
)

// credentialKey identifies a user and password in the verified cache: an
// HMAC-SHA256 of "user:password" under a random key, so the cache never
// holds a password or a hash that could be attacked offline without the
// key, which lives only in memory.
type credentialKey [sha256.Size]byte

// maxInlineCredentials is the longest "user:password" whose key is
// computed in stack buffers; longer ones go through crypto/hmac.
const maxInlineCredentials = 256

// verifiedCache remembers, for a while, credentials a server accepted
// (an LDAP bind, a token introspection), with what the server said of them
// (V). It holds at most a fixed number of entries and drops the oldest
// stored when it is full. Failures are never stored.
type verifiedCache[V any] struct {
	ttl time.Duration
	// clock is the time since the cache was made (monotonic); tests
	// replace it to move time on.
	clock func() time.Duration
	// secret is the HMAC key; ipad and opad are it XORed with the HMAC
	// pads.
	secret, ipad, opad [sha256.BlockSize]byte
	hits               atomic.Uint64

	mu      sync.RWMutex
	entries map[credentialKey]cachedValue[V]
	// order lists the entries oldest first, as a ring of len(order)
	// slots starting at head; n slots are in use. An entry whose expiry
	// no longer matches entries (it was stored again) is skipped.
	order []cacheSlot
	head  int
	n     int
}

// cachedValue is an entry: its expiry (by the cache's clock) and value.
type cachedValue[V any] struct {
	expires time.Duration
	value   V
}

// cacheSlot is an entry of the order ring.
type cacheSlot struct {
	key     credentialKey
	expires time.Duration
}

// newVerifiedCache returns an empty cache of at most entries entries.
func newVerifiedCache[V any](ttl time.Duration, entries int) (*verifiedCache[V], error) {
	start := time.Now()
	c := &verifiedCache[V]{
		ttl:     ttl,
		clock:   func() time.Duration { return time.Since(start) },
		entries: make(map[credentialKey]cachedValue[V], entries),
		order:   make([]cacheSlot, entries),
	}
	if _, err := rand.Read(c.secret[:]); err != nil {
		return nil, err
	}
	for i, b := range c.secret {
		c.ipad[i] = b ^ 0x36
		c.opad[i] = b ^ 0x5c
	}
	return c, nil
}

// key returns the cache key of "user:password" (the decoded basic
// credentials). Up to maxInlineCredentials bytes it allocates nothing.
func (c *verifiedCache[V]) key(credentials []byte) credentialKey {
	if len(credentials) > maxInlineCredentials {
		// A copy, so that credentials (often in the caller's stack
		// buffer) do not escape through the hash.Hash interface.
		m := hmac.New(sha256.New, c.secret[:])
		m.Write(append([]byte(nil), credentials...))
		return credentialKey(m.Sum(nil))
	}
	// HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)), RFC 2104.
	var inner [sha256.BlockSize + maxInlineCredentials]byte
	copy(inner[:], c.ipad[:])
	n := copy(inner[sha256.BlockSize:], credentials)
	innerSum := sha256.Sum256(inner[:sha256.BlockSize+n])
	var outer [sha256.BlockSize + sha256.Size]byte
	copy(outer[:], c.opad[:])
	copy(outer[sha256.BlockSize:], innerSum[:])
	return sha256.Sum256(outer[:])
}

// valid reports whether k was verified and has not expired.
func (c *verifiedCache[V]) valid(k credentialKey) bool {
	_, ok := c.lookup(k)
	return ok
}

// lookup returns what was stored with k, if it has not expired.
func (c *verifiedCache[V]) lookup(k credentialKey) (V, bool) {
	now := c.clock()
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	if ok && now < e.expires {
		c.hits.Add(1)
		return e.value, true
	}
	var zero V
	return zero, false
}

// add remembers k as verified now, for the cache's TTL.
func (c *verifiedCache[V]) add(k credentialKey) {
	var zero V
	c.store(k, zero, c.ttl)
}

// store remembers k with v for ttl (at most the cache's TTL), dropping
// the oldest entry when the cache is full.
func (c *verifiedCache[V]) store(k credentialKey, v V, ttl time.Duration) {
	exp := c.clock() + min(ttl, c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == len(c.order) {
		old := c.order[c.head]
		if c.entries[old.key].expires == old.expires {
			delete(c.entries, old.key)
		}
		c.head = (c.head + 1) % len(c.order)
		c.n--
	}
	c.order[(c.head+c.n)%len(c.order)] = cacheSlot{key: k, expires: exp}
	c.n++
	c.entries[k] = cachedValue[V]{expires: exp, value: v}
}

// size returns the number of entries held, expired ones included until
// they are pushed out.
func (c *verifiedCache[V]) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
