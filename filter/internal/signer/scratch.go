package signer

import "sync"

// scratch holds the buffers of one signing or verification, pooled by
// the Signer or Verifier so that steady-state work allocates nothing of
// its own.
type scratch struct {
	canon  []byte  // the canonical request
	text   []byte  // query parameters or headers being sorted
	params []param // spans of text
	names  []byte  // signed header names, ';'-separated
	stamp  []byte  // signing time
	hash   []byte  // body hash, hex
	out    []byte  // string to sign, then the Authorization value
	sum    []byte  // the signature, raw
}

// scratchPool is a pool of scratch values.
type scratchPool struct{ p sync.Pool }

// get returns a scratch from the pool, or a new one.
func (sp *scratchPool) get() *scratch {
	if sc, ok := sp.p.Get().(*scratch); ok {
		return sc
	}
	return &scratch{}
}

// put returns sc to the pool.
func (sp *scratchPool) put(sc *scratch) { sp.p.Put(sc) }
