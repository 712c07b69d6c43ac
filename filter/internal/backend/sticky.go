package backend

import (
	"hash/fnv"
	"sort"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// Sticky session modes (loadBalance.stickySession.mode).
const (
	// StickyCookieConsistentHash picks the server by a consistent hash of
	// the application cookie.
	StickyCookieConsistentHash = "CookieConsistentHash"
	// StickyDurationBased sets a load balancer cookie naming the server on
	// every reply.
	StickyDurationBased = "DurationBased"
	// StickyApplicationBased sets the load balancer cookie when the reply
	// sets the application cookie.
	StickyApplicationBased = "ApplicationBased"
)

// ringPointsPerServer is the number of points each server has on the
// consistent hash ring.
const ringPointsPerServer = 160

// StickyServer is what sticky sessions need of a pool's server.
type StickyServer interface {
	comparable
	// StickyKey identifies the server (its URL): it places the server on
	// the hash ring and, hashed, names it in the load balancer cookie.
	StickyKey() string
	// Healthy reports whether the server may take requests.
	Healthy() bool
}

// StickyConfig is a compiled sticky session spec.
type StickyConfig struct {
	// Mode is one of the Sticky* modes.
	Mode string
	// AppCookie is the application's cookie.
	AppCookie string
	// LBCookie is the cookie the load balancer sets.
	LBCookie string
	// Expire is the load balancer cookie's lifetime.
	Expire time.Duration
}

// Sticky keeps clients on one server of a pool:
//
//   - CookieConsistentHash: the value of the application cookie picks the
//     server on a consistent hash ring, so that adding or removing a
//     server moves few clients;
//   - DurationBased: every reply sets the load balancer cookie naming the
//     server; a request carrying it goes back there;
//   - ApplicationBased: as DurationBased, but the cookie is set only on
//     replies that set the application cookie.
//
// A request without the cookie, or whose server is unhealthy or gone, is
// load balanced as usual. The load balancer cookie's value is a hash of the
// server's key, not the key itself, and is the same on every node of a
// cluster. A Sticky is immutable and safe for concurrent use.
type Sticky[S StickyServer] struct {
	mode      string
	appCookie []byte
	lbCookie  []byte
	expire    time.Duration
	ring      []ringPoint[S]
	byID      map[string]S
	ids       map[S][]byte
}

// ringPoint is one point of the consistent hash ring.
type ringPoint[S any] struct {
	hash uint64
	srv  S
}

// ringHash is 64-bit FNV-1a followed by the MurmurHash3 finalizer, which
// spreads similar inputs (server URLs differing in a port digit) over the
// ring.
func ringHash(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// NewSticky compiles a sticky session over a pool's servers.
func NewSticky[S StickyServer](c StickyConfig, servers []S) *Sticky[S] {
	s := &Sticky[S]{
		mode:      c.Mode,
		appCookie: []byte(c.AppCookie),
		lbCookie:  []byte(c.LBCookie),
		expire:    c.Expire,
		byID:      map[string]S{},
		ids:       map[S][]byte{},
	}
	for _, srv := range servers {
		key := srv.StickyKey()
		h := fnv.New64a()
		h.Write([]byte(key))
		id := strconv.FormatUint(h.Sum64(), 16)
		s.byID[id] = srv
		s.ids[srv] = []byte(id)
		if s.mode == StickyCookieConsistentHash {
			for i := range ringPointsPerServer {
				s.ring = append(s.ring, ringPoint[S]{hash: ringHash([]byte(key + "#" + strconv.Itoa(i))), srv: srv})
			}
		}
	}
	sort.Slice(s.ring, func(i, j int) bool { return s.ring[i].hash < s.ring[j].hash })
	return s
}

// Pick returns the healthy server the request's cookie sticks to; ok is
// false when there is none.
func (s *Sticky[S]) Pick(h *fasthttp.RequestHeader) (srv S, ok bool) {
	if s.mode == StickyCookieConsistentHash {
		v := h.CookieBytes(s.appCookie)
		if len(v) == 0 || len(s.ring) == 0 {
			return srv, false
		}
		hv := ringHash(v)
		i := sort.Search(len(s.ring), func(i int) bool { return s.ring[i].hash >= hv })
		for n := 0; n < len(s.ring); n++ {
			p := s.ring[(i+n)%len(s.ring)]
			if p.srv.Healthy() {
				return p.srv, true
			}
		}
		return srv, false
	}
	v := h.CookieBytes(s.lbCookie)
	if len(v) == 0 {
		return srv, false
	}
	if srv, ok = s.byID[string(v)]; ok && srv.Healthy() {
		return srv, true
	}
	var none S
	return none, false
}

// Replied sets the load balancer cookie naming srv on a reply header that
// is about to go to the client, when the mode asks for it: always
// (DurationBased) or when the reply sets the application cookie
// (ApplicationBased).
func (s *Sticky[S]) Replied(srv S, h *fasthttp.ResponseHeader) {
	switch s.mode {
	case StickyDurationBased:
	case StickyApplicationBased:
		if !setsCookie(h, s.appCookie) {
			return
		}
	default:
		return
	}
	id, ok := s.ids[srv]
	if !ok {
		return
	}
	c := fasthttp.AcquireCookie()
	c.SetKeyBytes(s.lbCookie)
	c.SetValueBytes(id)
	c.SetPath("/")
	c.SetHTTPOnly(true)
	c.SetExpire(time.Now().Add(s.expire))
	h.SetCookie(c)
	fasthttp.ReleaseCookie(c)
}

// setsCookie reports whether the reply header sets the named cookie.
func setsCookie(h *fasthttp.ResponseHeader, name []byte) bool {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKeyBytes(name)
	return h.Cookie(c)
}
