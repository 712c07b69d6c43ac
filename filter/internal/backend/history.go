package backend

import (
	"sync/atomic"
	"time"
)

// ProbeHistory is the record of one server's health probes: it turns
// consecutive failures and passes into the server's health. It is not safe
// for concurrent use; its owner guards it with a lock of its own.
type ProbeHistory struct {
	fails, passes int
	probes        uint64
	lastProbe     time.Time
	lastError     string
}

// Record applies the result err of a probe sent at at: fails consecutive
// failures store false into healthy, passes consecutive passes store true.
func (h *ProbeHistory) Record(err error, at time.Time, fails, passes int, healthy *atomic.Bool) {
	h.probes++
	h.lastProbe = at
	if err == nil {
		h.lastError = ""
		h.fails = 0
		h.passes++
		if h.passes >= passes {
			healthy.Store(true)
		}
		return
	}
	h.lastError = err.Error()
	h.passes = 0
	h.fails++
	if h.fails >= fails {
		healthy.Store(false)
	}
}

// Snapshot returns the consecutive failures, the number of probes, the
// time of the last one and its error ("" when it passed), for status.
func (h *ProbeHistory) Snapshot() (fails int, probes uint64, last time.Time, lastErr string) {
	return h.fails, h.probes, h.lastProbe, h.lastError
}
