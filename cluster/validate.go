package cluster

import "fmt"

// validateKey rejects keys the store does not accept.
func validateKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalid)
	}
	return nil
}

// validateOps checks a batch: known operation types, valid keys, no lease on
// a delete and no key twice. It runs before a batch is proposed and again in
// the state machine, so a bad entry that reaches the log is rejected the same
// way on every node.
func validateOps(ops []opRecord) error {
	seen := make(map[string]struct{}, len(ops))
	for i, op := range ops {
		if op.Type != OpPut && op.Type != OpDelete {
			return fmt.Errorf("%w: operation %d: unknown type %d", ErrInvalid, i, op.Type)
		}
		if err := validateKey(op.Key); err != nil {
			return fmt.Errorf("operation %d: %w", i, err)
		}
		if op.Type == OpDelete && op.Lease != NoLease {
			return fmt.Errorf("%w: operation %d: a delete takes no lease", ErrInvalid, i)
		}
		if _, dup := seen[op.Key]; dup {
			return fmt.Errorf("%w: operation %d: key %q appears twice in the batch", ErrInvalid, i, op.Key)
		}
		seen[op.Key] = struct{}{}
	}
	return nil
}
