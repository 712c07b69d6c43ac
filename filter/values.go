package filter

// Key identifies a typed per-request value. Create one per purpose with
// NewKey and keep it in a variable or a filter field; keys compare by
// identity.
type Key[T any] struct {
	name string
}

// NewKey returns a new key; name is for debugging only.
func NewKey[T any](name string) *Key[T] { return &Key[T]{name: name} }

// String returns the key's name.
func (k *Key[T]) String() string { return k.name }

type valueEntry struct {
	key any
	val any
}

// SetValue stores v under key for the rest of the request. Storing a
// pointer or a small scalar avoids an allocation.
func SetValue[T any](c *Context, key *Key[T], v T) {
	for i := range c.values {
		if c.values[i].key == key {
			c.values[i].val = v
			return
		}
	}
	c.values = append(c.values, valueEntry{key: key, val: v})
}

// Value returns the value stored under key, and whether there is one.
func Value[T any](c *Context, key *Key[T]) (T, bool) {
	for i := range c.values {
		if c.values[i].key == key {
			v, ok := c.values[i].val.(T)
			return v, ok
		}
	}
	var zero T
	return zero, false
}
