package proxy

import (
	"hash/fnv"
	"sort"
	"strconv"
	"time"

	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/valyala/fasthttp"
)

// ringPointsPerServer is the number of points each server has on the
// consistent hash ring.
const ringPointsPerServer = 160

// sticky keeps clients on one server of a pool (LoadBalance.stickySession):
//
//   - CookieConsistentHash: the value of the application cookie picks the
//     server on a consistent hash ring, so that adding or removing a
//     server moves few clients;
//   - DurationBased: every reply sets the load balancer cookie naming the
//     server (for lbCookieExpire); a request carrying it goes back there;
//   - ApplicationBased: as DurationBased, but the cookie is set only on
//     replies that set the application cookie.
//
// A request without the cookie, or whose server is unhealthy or gone, is
// load balanced as usual. The load balancer cookie's value is a hash of the
// server URL, not the URL itself.
type sticky struct {
	mode      string
	appCookie []byte
	lbCookie  []byte
	expire    time.Duration
	ring      []ringPoint
	byID      map[string]*server
}

// ringPoint is one point of the consistent hash ring.
type ringPoint struct {
	hash uint64
	srv  *server
}

// ringHash is 64-bit FNV-1a followed by the MurmurHash3 finalizer, which
// spreads similar inputs (server URLs differing in a port digit) over the
// ring. It is the same on every node, so all nodes of a cluster send a
// cookie to the same server.
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

// newSticky compiles a validated spec over a pool's servers.
func newSticky(spec *StickySessionSpec, servers []*server) *sticky {
	s := &sticky{
		mode:      spec.Mode,
		appCookie: []byte(spec.AppCookieName),
		lbCookie:  []byte(spec.LBCookieName),
		expire:    spec.LBCookieExpire.D(),
		byID:      map[string]*server{},
	}
	if len(s.lbCookie) == 0 {
		s.lbCookie = []byte(DefaultLBCookieName)
	}
	if s.expire <= 0 {
		s.expire = DefaultLBCookieExpire
	}
	for _, srv := range servers {
		h := fnv.New64a()
		h.Write([]byte(srv.spec.URL))
		srv.stickyID = []byte(strconv.FormatUint(h.Sum64(), 16))
		s.byID[string(srv.stickyID)] = srv
		if s.mode == StickyCookieConsistentHash {
			for i := range ringPointsPerServer {
				s.ring = append(s.ring, ringPoint{hash: ringHash([]byte(srv.spec.URL + "#" + strconv.Itoa(i))), srv: srv})
			}
		}
	}
	sort.Slice(s.ring, func(i, j int) bool { return s.ring[i].hash < s.ring[j].hash })
	return s
}

// pick returns the server the request's cookie sticks to, or nil.
func (s *sticky) pick(req *httpprot.Request) *server {
	if s.mode == StickyCookieConsistentHash {
		v := req.Header.CookieBytes(s.appCookie)
		if len(v) == 0 || len(s.ring) == 0 {
			return nil
		}
		h := ringHash(v)
		i := sort.Search(len(s.ring), func(i int) bool { return s.ring[i].hash >= h })
		for n := 0; n < len(s.ring); n++ {
			p := s.ring[(i+n)%len(s.ring)]
			if p.srv.healthy() {
				return p.srv
			}
		}
		return nil
	}
	v := req.Header.CookieBytes(s.lbCookie)
	if len(v) == 0 {
		return nil
	}
	if srv := s.byID[string(v)]; srv != nil && srv.healthy() {
		return srv
	}
	return nil
}

// replied sets the load balancer cookie on a reply from srv when the mode
// asks for it.
func (s *sticky) replied(srv *server, resp *httpprot.Response) {
	switch s.mode {
	case StickyDurationBased:
	case StickyApplicationBased:
		if !setsCookie(resp, s.appCookie) {
			return
		}
	default:
		return
	}
	c := fasthttp.AcquireCookie()
	c.SetKeyBytes(s.lbCookie)
	c.SetValueBytes(srv.stickyID)
	c.SetPath("/")
	c.SetHTTPOnly(true)
	c.SetExpire(time.Now().Add(s.expire))
	resp.Header.SetCookie(c)
	fasthttp.ReleaseCookie(c)
}

// setsCookie reports whether the reply sets the named cookie.
func setsCookie(resp *httpprot.Response, name []byte) bool {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKeyBytes(name)
	return resp.Header.Cookie(c)
}
