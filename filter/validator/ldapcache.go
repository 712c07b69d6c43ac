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

// verifiedCache remembers, for a fixed time, credentials the LDAP server
// accepted. It holds at most a fixed number of entries; as every entry
// lives equally long, the oldest is the first to expire and is the one
// dropped when the cache is full. Failures are never stored.
type verifiedCache struct {
	ttl time.Duration
	// clock is the time since the cache was made (monotonic); tests
	// replace it to move time on.
	clock func() time.Duration
	// secret is the HMAC key; ipad and opad are it XORed with the HMAC
	// pads.
	secret, ipad, opad [sha256.BlockSize]byte
	hits               atomic.Uint64

	mu      sync.RWMutex
	expires map[credentialKey]time.Duration // by the clock
	// order lists the entries oldest first, as a ring of len(order)
	// slots starting at head; n slots are in use. An entry whose expiry
	// no longer matches expires (it was stored again) is skipped.
	order []cacheSlot
	head  int
	n     int
}

// cacheSlot is an entry of the order ring.
type cacheSlot struct {
	key     credentialKey
	expires time.Duration
}

// newVerifiedCache returns an empty cache of at most entries entries.
func newVerifiedCache(ttl time.Duration, entries int) (*verifiedCache, error) {
	start := time.Now()
	c := &verifiedCache{
		ttl:     ttl,
		clock:   func() time.Duration { return time.Since(start) },
		expires: make(map[credentialKey]time.Duration, entries),
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
func (c *verifiedCache) key(credentials []byte) credentialKey {
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

// valid reports whether k was verified less than the TTL ago.
func (c *verifiedCache) valid(k credentialKey) bool {
	now := c.clock()
	c.mu.RLock()
	exp, ok := c.expires[k]
	c.mu.RUnlock()
	if ok && now < exp {
		c.hits.Add(1)
		return true
	}
	return false
}

// add remembers k as verified now, dropping the oldest entry when the
// cache is full.
func (c *verifiedCache) add(k credentialKey) {
	exp := c.clock() + c.ttl
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == len(c.order) {
		old := c.order[c.head]
		if c.expires[old.key] == old.expires {
			delete(c.expires, old.key)
		}
		c.head = (c.head + 1) % len(c.order)
		c.n--
	}
	c.order[(c.head+c.n)%len(c.order)] = cacheSlot{key: k, expires: exp}
	c.n++
	c.expires[k] = exp
}

// size returns the number of entries held, expired ones included until
// they are pushed out.
func (c *verifiedCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.expires)
}
