package cluster

// LeaseID identifies a lease granted by [Store.Grant]. The zero value,
// NoLease, means "no lease".
type LeaseID uint64

// NoLease is the LeaseID of a key that is not attached to a lease.
const NoLease LeaseID = 0

// KV is a key with its value and revisions.
type KV struct {
	// Key is the key.
	Key string
	// Value is the value; nil for the KV of a delete event.
	Value []byte
	// CreateRevision is the store revision that created the key.
	CreateRevision uint64
	// ModRevision is the store revision that last changed the key (for a
	// delete event: the revision of the delete).
	ModRevision uint64
	// Lease is the lease the key is attached to, NoLease if none.
	Lease LeaseID
}

// EventType tells a put from a delete.
type EventType int

const (
	// EventPut reports a key created or updated.
	EventPut EventType = iota + 1
	// EventDelete reports a key deleted, explicitly or by lease expiry.
	EventDelete
)

// String returns "put" or "delete".
func (t EventType) String() string {
	switch t {
	case EventPut:
		return "put"
	case EventDelete:
		return "delete"
	default:
		return "unknown"
	}
}

// Event is one change delivered by a [Watcher]. Several events share a
// revision when one write changed several keys. The Value of an event is
// shared between watchers and must not be modified.
type Event struct {
	// Type is EventPut or EventDelete.
	Type EventType
	// KV is the key after the change; for a delete only Key and
	// ModRevision are set.
	KV KV
	// Revision is the store revision of the write that made the change.
	Revision uint64
	// MoreInRevision is set when the watcher delivers further events of
	// the same revision right after this one (a batch written by Apply):
	// a consumer that must act on a whole revision at once waits for the
	// event without it.
	MoreInRevision bool
}

// OpType tells the operations of a batch apart.
type OpType int

const (
	// OpPut creates or replaces a key.
	OpPut OpType = iota + 1
	// OpDelete deletes an existing key.
	OpDelete
)

// String returns "put" or "delete".
func (t OpType) String() string {
	switch t {
	case OpPut:
		return "put"
	case OpDelete:
		return "delete"
	default:
		return "unknown"
	}
}

// Op is one operation of a batch given to [Store.Apply].
type Op struct {
	// Type is OpPut or OpDelete.
	Type OpType
	// Key is the key to write; a key may appear only once per batch.
	Key string
	// Value is the value of a put.
	Value []byte
	// Lease attaches the key of a put to a lease; NoLease detaches it.
	Lease LeaseID
	// ExpectModRevision, when set, is a precondition: the key's current
	// ModRevision must equal it, and 0 means the key must not exist.
	ExpectModRevision *uint64
}

// PutOp returns an Op that puts value at key.
func PutOp(key string, value []byte) Op {
	return Op{Type: OpPut, Key: key, Value: value}
}

// DeleteOp returns an Op that deletes key.
func DeleteOp(key string) Op {
	return Op{Type: OpDelete, Key: key}
}

// WithExpect returns a copy of op with the precondition that the key's
// ModRevision equals rev (0: the key must not exist).
func (op Op) WithExpect(rev uint64) Op {
	op.ExpectModRevision = &rev
	return op
}
