package cluster

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// hub keeps the event history and fans events out to watchers. Publishing
// never blocks: a watcher whose buffer is full is cancelled instead.
type hub struct {
	mu        sync.Mutex
	hist      history
	compacted uint64 // events at or below this revision may be missing
	last      uint64 // the newest published revision
	buffer    int
	watchers  map[*Watcher]struct{}
	closed    bool
}

func newHub(historyLimit, buffer int) *hub {
	return &hub{hist: history{limit: historyLimit}, buffer: buffer, watchers: make(map[*Watcher]struct{})}
}

// publish records the events of revision rev and delivers them to the
// watchers interested in them.
func (h *hub) publish(rev uint64, events []Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.last = rev
	if dropped := h.hist.add(rev, events); dropped > h.compacted {
		h.compacted = dropped
	}
	for w := range h.watchers {
		if rev <= w.from {
			continue
		}
		last := lastUnderPrefix(events, w.prefix)
		for i, ev := range events {
			if !strings.HasPrefix(ev.KV.Key, w.prefix) {
				continue
			}
			ev.MoreInRevision = i < last
			select {
			case w.ch <- ev:
				continue
			default:
			}
			h.cancel(w, fmt.Errorf("%w: more than %d undelivered events", ErrWatcherLagged, h.buffer))
			break
		}
	}
}

// reset forgets the history after the state was replaced by a snapshot at
// revision rev, and cancels every watcher: it cannot be told what changed.
func (h *hub) reset(rev uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hist.reset()
	h.compacted, h.last = rev, rev
	for w := range h.watchers {
		h.cancel(w, fmt.Errorf("%w: the store was restored from a snapshot at revision %d", ErrCompacted, rev))
	}
}

// close cancels every watcher with ErrClosed and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for w := range h.watchers {
		h.cancel(w, ErrClosed)
	}
}

// watch registers a watcher of the keys under prefix that first receives
// the events after revision from still in the history.
func (h *hub) watch(ctx context.Context, prefix string, from uint64) (*Watcher, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	if from == 0 {
		from = h.last
	}
	if from < h.compacted {
		return nil, fmt.Errorf("%w: revision %d is older than the oldest watchable revision %d", ErrCompacted, from, h.compacted)
	}
	backlog := h.hist.since(from, prefix)
	w := &Watcher{hub: h, prefix: prefix, from: from, ch: make(chan Event, h.buffer+len(backlog))}
	for i, ev := range backlog {
		ev.MoreInRevision = i+1 < len(backlog) && backlog[i+1].Revision == ev.Revision
		w.ch <- ev
	}
	h.watchers[w] = struct{}{}
	w.stop = context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.cancel(w, ctx.Err())
	})
	return w, nil
}

// cancel ends w with err (nil: closed by its owner). h.mu must be held.
func (h *hub) cancel(w *Watcher, err error) {
	if w.done {
		return
	}
	w.done = true
	w.err = err
	close(w.ch)
	delete(h.watchers, w)
	if w.stop != nil {
		w.stop()
	}
}

// lastUnderPrefix returns the index of the last event under prefix, or -1.
func lastUnderPrefix(events []Event, prefix string) int {
	for i := len(events) - 1; i >= 0; i-- {
		if strings.HasPrefix(events[i].KV.Key, prefix) {
			return i
		}
	}
	return -1
}
