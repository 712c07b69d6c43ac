package proxy

import (
	"errors"
	"hash/fnv"
	"strconv"
	"sync/atomic"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/compression"
	"github.com/gatewright/gatewright/filter/internal/adapt"
)

// KindName is the kind of the Proxy filter in specs.
const KindName = "Proxy"

// Results of the Proxy filter.
const (
	// ResultInternalError: no healthy server (503), or the request could
	// not be built or the reply body not read (500).
	ResultInternalError = "internalError"
	// ResultClientError: the client went away (499).
	ResultClientError = "clientError"
	// ResultServerError: the upstream could not be reached or broke the
	// exchange (503).
	ResultServerError = "serverError"
	// ResultFailureCode: the upstream replied with a status in the pool's
	// failureCodes; its reply is kept.
	ResultFailureCode = "failureCode"
	// ResultTimeout: the pool's timeout passed (408).
	ResultTimeout = "timeout"
	// ResultShortCircuited: the pool's circuit breaker is open (503).
	ResultShortCircuited = "shortCircuited"
)

// Resilience policy kinds that pools reference.
const (
	retryKind          = "Retry"
	circuitBreakerKind = "CircuitBreaker"
)

// maxMirrorsInFlight bounds the mirror requests of one Proxy in flight;
// copies beyond it are dropped.
const maxMirrorsInFlight = 256

func init() {
	filter.Register(Kind)
}

// Kind is the Proxy filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "Sends the request to an upstream pool; the reply becomes the namespace response.",
	Results: []string{
		ResultInternalError, ResultClientError, ResultServerError,
		ResultFailureCode, ResultTimeout, ResultShortCircuited,
	},
	DefaultSpec: newSpec,
	New:         New,
}

// Proxy is the Proxy filter: it forwards requests to upstream servers over
// pooled fasthttp connections.
type Proxy struct {
	filter.Base
	spec *Spec
	// gen numbers the generations of the filter: Init is 1, Inherit the
	// previous one's plus one.
	gen uint64

	main       *pool
	candidates []*pool
	mirror     *pool
	// all holds every pool in spec order, the mirror pool last.
	all       []*pool
	mirrorSem chan struct{}

	// compressor gzips replies (the compression option), or is nil.
	compressor *compression.Compressor

	mirrorsDropped atomic.Uint64
	closed         atomic.Bool
}

// New creates a Proxy from its spec (spec.Body is a *Spec). It starts
// nothing: Init or Inherit do.
func New(spec *filter.Spec) filter.Filter {
	body, _ := spec.Body.(*Spec)
	return &Proxy{Base: filter.NewBase(spec), spec: body}
}

// Init builds the pools with new connection pools and starts the health
// checks.
func (p *Proxy) Init() error { return p.start(nil) }

// Inherit builds the pools taking over the connection pools and health
// state of previous for servers whose URL and settings are unchanged, and
// takes over their health probes. A pool whose name, memoryCache spec,
// servers and the other settings its replies depend on are unchanged
// takes over the previous pool's reply cache (cacheIdentity). previous
// keeps serving until it is closed.
func (p *Proxy) Inherit(previous filter.Filter) error {
	prev, _ := previous.(*Proxy)
	return p.start(prev)
}

// start builds the generation.
func (p *Proxy) start(prev *Proxy) error {
	if p.spec == nil {
		return errors.New("proxy: the spec is not a *proxy.Spec")
	}
	if err := p.spec.Validate(); err != nil {
		return err
	}
	policies, err := p.resolvePolicies()
	if err != nil {
		return err
	}
	if cs := p.spec.Compression; cs != nil {
		c, err := newCompressor(cs)
		if err != nil {
			return adapt.At("compression", err)
		}
		p.compressor = c
	}
	p.gen = 1
	if prev != nil {
		p.gen = prev.gen + 1
	}
	cs, err := p.clientSettings()
	if err != nil {
		return err
	}
	b := newBuilder(p.gen, cs, p.spec.MaxRedirection, prev)
	var built []*pool
	fail := func(err error) error {
		for _, pl := range built {
			pl.release()
		}
		p.main, p.candidates, p.mirror = nil, nil, nil
		return err
	}
	for i, ps := range p.spec.Pools {
		name := "pools[" + strconv.Itoa(i) + "]"
		pl, err := b.build(name, ps, p.spec.ServerMaxBodySize)
		if err != nil {
			return fail(adapt.At(name, err))
		}
		built = append(built, pl)
		pl.maxRedirects = p.spec.MaxRedirection
		if pl.matcher == nil {
			p.main = pl
		} else {
			p.candidates = append(p.candidates, pl)
		}
	}
	if ms := p.spec.MirrorPool; ms != nil {
		pl, err := b.build("mirrorPool", ms, p.spec.ServerMaxBodySize)
		if err != nil {
			return fail(adapt.At("mirrorPool", err))
		}
		built = append(built, pl)
		p.mirror = pl
		p.mirrorSem = make(chan struct{}, maxMirrorsInFlight)
	}
	p.all = built
	attachPolicies(built, policies, prev)
	for _, pl := range built {
		if pl.checker != nil {
			pl.checker.start()
		}
	}
	return nil
}

// clientSettings derives the HostClient settings from the spec.
func (p *Proxy) clientSettings() (clientSettings, error) {
	cs := clientSettings{maxIdle: p.spec.MaxIdleConnsPerHost}
	if cs.maxIdle <= 0 {
		cs.maxIdle = DefaultMaxIdleConnsPerHost
	}
	if n := p.spec.MaxIdleConns; n > 0 && n < cs.maxIdle {
		cs.maxIdle = n
	}
	tlsCfg, err := upstreamTLS(p.spec.MTLS)
	if err != nil {
		return cs, adapt.At("mtls", err)
	}
	cs.tls = tlsCfg
	cs.tlsKey = "insecure"
	if m := p.spec.MTLS; m != nil {
		h := fnv.New64a()
		for _, s := range []string{m.RootCertBase64, m.CertBase64, m.KeyBase64, strconv.FormatBool(m.InsecureSkipVerify)} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		cs.tlsKey = strconv.FormatUint(h.Sum64(), 16)
	}
	return cs, nil
}

// pools returns every pool of the generation in spec order, the mirror
// pool last.
func (p *Proxy) pools() []*pool { return p.all }

// Handle forwards the current namespace request to the first candidate
// pool whose filter matches it, or to the main pool, and sends a copy to
// the mirror pool when its filter matches.
func (p *Proxy) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		ctx.NewResponse().SetStatusCode(500)
		return ResultInternalError
	}
	target := p.main
	for _, c := range p.candidates {
		if c.matcher.match(req) {
			target = c
			break
		}
	}
	mirrored := p.mirror != nil && p.mirror.matcher.match(req)
	prepareRequest(ctx, req)
	if mirrored {
		p.sendMirror(req)
	}
	result := target.forward(ctx, req)
	if p.compressor != nil && (result == "" || result == ResultFailureCode) {
		p.compress(ctx, req)
	}
	return result
}

// Close stops the health checks and drops this generation's references to
// connection pools, health states and reply caches; whatever a successor
// took over stays open, and filled, until the successor closes too.
func (p *Proxy) Close() error {
	if !p.closed.CompareAndSwap(false, true) {
		return nil
	}
	for _, pl := range p.pools() {
		if pl.checker != nil {
			pl.checker.close()
		}
	}
	for _, pl := range p.pools() {
		pl.release()
	}
	return nil
}
