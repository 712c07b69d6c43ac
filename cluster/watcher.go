package cluster

// Watcher delivers the changes under a prefix; see [Store.Watch].
type Watcher struct {
	hub    *hub
	prefix string
	from   uint64
	ch     chan Event
	stop   func() bool // stops the context.AfterFunc

	// guarded by hub.mu
	done bool
	err  error
}

// Events returns the channel of changes, in revision order. It is closed
// when the watcher ends; Err then tells why.
func (w *Watcher) Events() <-chan Event { return w.ch }

// StartRevision returns the revision the watcher started after: it delivers
// the changes with a greater revision.
func (w *Watcher) StartRevision() uint64 { return w.from }

// Err returns why the watcher ended: nil while it runs or after Close, an
// error wrapping ErrWatcherLagged if its consumer fell behind, ErrCompacted
// if the store was replaced by a snapshot, ErrClosed if the store was
// closed, or the context's error if its context ended. The events still
// buffered in the channel are valid.
func (w *Watcher) Err() error {
	w.hub.mu.Lock()
	defer w.hub.mu.Unlock()
	return w.err
}

// Close stops the watcher and closes its channel. It is safe to call more
// than once and concurrently with the store.
func (w *Watcher) Close() {
	w.hub.mu.Lock()
	defer w.hub.mu.Unlock()
	w.hub.cancel(w, nil)
}
