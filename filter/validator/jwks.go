package validator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of a JWKS fetch.
const (
	// maxJWKSSize bounds a key set document.
	maxJWKSSize = 1 << 20
	// maxJWKSRetryInterval bounds how often a key set is fetched because
	// a token names an unknown key or the last fetch failed.
	maxJWKSRetryInterval = 10 * time.Second
)

var errUnknownKey = errors.New("no key of the key set matches the token's kid")

// keySet is one fetched key set; immutable.
type keySet struct {
	keys    []namedKey
	fetched time.Time
}

// find returns the keys a token with the key ID kid may be verified
// with: the key of that ID, or every key when the token names none.
func (ks *keySet) find(kid string) []namedKey {
	if kid == "" {
		return ks.keys
	}
	for i := range ks.keys {
		if ks.keys[i].kid == kid {
			return ks.keys[i : i+1]
		}
	}
	return nil
}

// jwksCache keeps the keys of a JSON Web Key Set. Requests read the
// current set through an atomic pointer. A set older than the TTL is
// still used while a new one is fetched in the background; a token
// naming a key the set does not hold waits for a fresh fetch. Fetches
// run one at a time and are retried at most every retry interval, so
// tokens with made-up key IDs cannot make the gateway hammer the key
// server.
type jwksCache struct {
	url      string
	alg      string
	ttl      time.Duration
	retry    time.Duration
	client   *http.Client
	log      *slog.Logger
	ctx      context.Context
	cancel   context.CancelFunc
	set      atomic.Pointer[keySet]
	fetches  atomic.Int64
	mu       sync.Mutex
	inflight chan struct{} // closed when the running fetch ends
	lastTry  time.Time
	lastErr  error
	closed   bool
	wg       sync.WaitGroup
}

func newJWKSCache(spec *JWKSSpec, alg string, log *slog.Logger) *jwksCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &jwksCache{
		url:    spec.URL,
		alg:    alg,
		ttl:    spec.cacheTTL(),
		retry:  min(spec.cacheTTL(), maxJWKSRetryInterval),
		client: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: spec.timeout()},
		log:    log,
		ctx:    ctx,
		cancel: cancel,
	}
}

// start fetches the key set once and waits for it. A failure is logged,
// not returned: the key server may come up later, and the cache retries
// when tokens arrive.
func (c *jwksCache) start() {
	if done := c.refresh(); done != nil {
		<-done
	}
	if err := c.err(); err != nil {
		c.log.Warn("fetching the JWKS failed; tokens are refused until a fetch succeeds", "url", c.url, "error", err)
	}
}

// keys returns the keys a token with the key ID kid may be verified
// with.
func (c *jwksCache) keys(kid string) ([]namedKey, error) {
	ks := c.set.Load()
	if ks != nil {
		if time.Since(ks.fetched) > c.ttl {
			c.refresh() // in the background; the old keys serve meanwhile
		}
		if keys := ks.find(kid); keys != nil {
			return keys, nil
		}
	}
	if done := c.refresh(); done != nil {
		select {
		case <-done:
		case <-c.ctx.Done():
		}
		if ks = c.set.Load(); ks != nil {
			if keys := ks.find(kid); keys != nil {
				return keys, nil
			}
		}
	}
	if ks == nil {
		if err := c.err(); err != nil {
			return nil, fmt.Errorf("the key set is not available: %v", err)
		}
		return nil, errors.New("the key set is not available")
	}
	return nil, errUnknownKey
}

// refresh starts a fetch unless one is running (it then returns that
// one's channel), the cache is closed, or the last attempt is more recent
// than the retry interval (it then returns nil). The channel is closed
// when the fetch ends.
func (c *jwksCache) refresh() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight != nil {
		return c.inflight
	}
	if c.closed || (!c.lastTry.IsZero() && time.Since(c.lastTry) < c.retry) {
		return nil
	}
	c.lastTry = time.Now()
	done := make(chan struct{})
	c.inflight = done
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		ks, err := c.fetch()
		c.mu.Lock()
		if err == nil {
			c.set.Store(ks)
		}
		c.lastErr = err
		c.inflight = nil
		close(done)
		c.mu.Unlock()
		if err != nil && c.ctx.Err() == nil {
			c.log.Warn("fetching the JWKS failed", "url", c.url, "error", err)
		}
	}()
	return done
}

// fetch downloads and parses the key set.
func (c *jwksCache) fetch() (*keySet, error) {
	c.fetches.Add(1)
	req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", c.url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the key set: %v", err)
	}
	if len(body) > maxJWKSSize {
		return nil, fmt.Errorf("the key set is larger than %d bytes", maxJWKSSize)
	}
	keys, skipped, err := parseJWKS(body, c.alg)
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		c.log.Debug("JWKS keys skipped", "url", c.url, "skipped", skipped, "kept", len(keys))
	}
	return &keySet{keys: keys, fetched: time.Now()}, nil
}

// err returns the error of the last fetch, or nil.
func (c *jwksCache) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// status describes the cache for the filter's status.
func (c *jwksCache) status() *JWKSStatus {
	st := &JWKSStatus{URL: c.url, Fetches: c.fetches.Load()}
	if ks := c.set.Load(); ks != nil {
		st.Keys = len(ks.keys)
		st.Fetched = ks.fetched.UTC().Format(time.RFC3339)
	}
	if err := c.err(); err != nil {
		st.LastError = err.Error()
	}
	return st
}

// close stops a running fetch and waits for it.
func (c *jwksCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.client.CloseIdleConnections()
}
