package supervisor

import "context"

// Store is what the supervisor needs from the configuration store: a
// listing of a prefix and a watch on it. The gateway adapts the cluster
// store to it; tests may use any implementation.
type Store interface {
	// List returns every entry under prefix and the store revision the
	// listing reflects.
	List(ctx context.Context, prefix string) ([]Entry, uint64, error)
	// Watch delivers, in order, every change under prefix made after
	// fromRevision. When the watch cannot go on (the watcher lagged, or the
	// history no longer reaches fromRevision) its channel closes and Err
	// says why; the supervisor then lists again.
	Watch(ctx context.Context, prefix string, fromRevision uint64) (Watch, error)
}

// Entry is one stored key.
type Entry struct {
	Key      string
	Value    []byte
	Revision uint64 // revision of the key's last change
}

// Event is one change under a watched prefix.
type Event struct {
	Key      string
	Value    []byte // nil for a delete
	Revision uint64
	Deleted  bool
	// MoreInRevision tells that more events of the same revision follow
	// this one: the supervisor applies a revision's events together, in
	// category order, and counts the revision applied after the last.
	MoreInRevision bool
}

// Watch is a running watch.
type Watch interface {
	// Events delivers the changes; it is closed when the watch ends.
	Events() <-chan Event
	// Err tells why the watch ended; nil after Close.
	Err() error
	// Close stops the watch.
	Close()
}
