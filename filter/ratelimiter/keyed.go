package ratelimiter

import (
	"crypto/sha256"
	"hash/maphash"
	"sync"
)

// Key table sizing.
const (
	// maxShards is the most shards a key table has.
	maxShards = 64
	// minKeysPerShard is the fewest keys a shard holds before a table
	// is split further: small tables keep one shard and an exact bound.
	minKeysPerShard = 64
	// maxKeyLen is the longest key kept as it is; longer keys are kept
	// as their SHA-256 so that a huge header value costs little memory.
	maxKeyLen = 64
)

// keyTable holds one limiter per key, at most about maxKeys of them. It
// is sharded: a request locks one shard for a map lookup, then takes its
// permit from the limiter without a lock.
//
// When a full shard needs room for a new key, it first drops the
// limiters that are idle (they took no permit in the current cycle; a
// fresh one behaves the same, so nothing is lost). If every limiter of
// the shard is busy, it drops an eighth of them, chosen at random: their
// keys start over with a full period's permits. That happens only when
// more than maxKeys keys are active within one refresh period.
type keyTable struct {
	seed   maphash.Seed
	shards []keyShard
	// perShard is the most keys a shard holds.
	perShard int
}

type keyShard struct {
	mu sync.Mutex
	m  map[string]*limiter
	_  [40]byte // keeps shards on separate cache lines
}

func newKeyTable(maxKeys int) *keyTable {
	n := 1
	for n < maxShards && maxKeys/(n*2) >= minKeysPerShard {
		n *= 2
	}
	t := &keyTable{seed: maphash.MakeSeed(), shards: make([]keyShard, n), perShard: (maxKeys + n - 1) / n}
	for i := range t.shards {
		t.shards[i].m = make(map[string]*limiter)
	}
	return t
}

// get returns the limiter of key, creating it when needed; now (ns since
// the epoch) and r tell which limiters are idle.
func (t *keyTable) get(key []byte, r *rate, now int64) *limiter {
	var sum [sha256.Size]byte
	if len(key) > maxKeyLen {
		sum = sha256.Sum256(key)
		key = sum[:]
	}
	s := &t.shards[maphash.Bytes(t.seed, key)&uint64(len(t.shards)-1)]
	s.mu.Lock()
	l := s.m[string(key)]
	if l == nil {
		if len(s.m) >= t.perShard {
			s.makeRoom(r, now, t.perShard)
		}
		l = &limiter{}
		s.m[string(key)] = l
	}
	s.mu.Unlock()
	return l
}

// makeRoom drops the idle limiters and then, if the shard still holds
// limit keys or more, an eighth of the others. The caller holds the lock.
func (s *keyShard) makeRoom(r *rate, now int64, limit int) {
	for k, l := range s.m {
		if l.idle(r, now) {
			delete(s.m, k)
		}
	}
	if len(s.m) < limit {
		return
	}
	drop := max(1, len(s.m)/8)
	for k := range s.m { // map order is random
		if drop == 0 {
			break
		}
		delete(s.m, k)
		drop--
	}
}

// len returns the number of keys held.
func (t *keyTable) len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
