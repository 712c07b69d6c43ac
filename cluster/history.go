package cluster

import (
	"sort"
	"strings"
)

// batch is the events of one revision.
type batch struct {
	rev    uint64
	events []Event
}

// history is the bounded in-memory record of recent events, oldest first.
// It holds whole revisions: it drops the oldest revisions while it holds more
// than limit events, but always keeps the newest one.
type history struct {
	limit   int
	batches []batch // live batches are batches[head:]
	head    int
	events  int
}

// add appends the events of revision rev and drops the oldest revisions over
// the limit. It returns the newest dropped revision, or 0 if none was dropped.
func (h *history) add(rev uint64, events []Event) uint64 {
	h.batches = append(h.batches, batch{rev: rev, events: events})
	h.events += len(events)
	var dropped uint64
	for h.events > h.limit && len(h.batches)-h.head > 1 {
		b := h.batches[h.head]
		h.batches[h.head] = batch{}
		h.head++
		h.events -= len(b.events)
		dropped = b.rev
	}
	if h.head > 64 && h.head*2 > len(h.batches) {
		n := copy(h.batches, h.batches[h.head:])
		clear(h.batches[n:])
		h.batches = h.batches[:n]
		h.head = 0
	}
	return dropped
}

// since returns, in order, the events after revision rev under prefix.
func (h *history) since(rev uint64, prefix string) []Event {
	live := h.batches[h.head:]
	i := sort.Search(len(live), func(i int) bool { return live[i].rev > rev })
	var out []Event
	for _, b := range live[i:] {
		for _, ev := range b.events {
			if strings.HasPrefix(ev.KV.Key, prefix) {
				out = append(out, ev)
			}
		}
	}
	return out
}

// reset drops every event.
func (h *history) reset() {
	h.batches = nil
	h.head = 0
	h.events = 0
}
