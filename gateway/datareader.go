package gateway

import (
	"context"
	"errors"
	"strings"

	"github.com/gatewright/gatewright/cluster"
)

// dataReader presents the store's data prefix to objects and filters as
// their read-only shared data: keys are relative to cluster.DataPrefix.
type dataReader struct{ s *cluster.Store }

// Get returns the value stored under the data prefix at key.
func (d dataReader) Get(ctx context.Context, key string) ([]byte, bool, error) {
	kv, err := d.s.Get(ctx, cluster.DataPrefix+key)
	if errors.Is(err, cluster.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return kv.Value, true, nil
}

// List returns every key under the data prefix plus prefix, relative to
// the data prefix.
func (d dataReader) List(ctx context.Context, prefix string) (map[string][]byte, error) {
	kvs, _, err := d.s.List(ctx, cluster.DataPrefix+prefix)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(kvs))
	for _, kv := range kvs {
		out[strings.TrimPrefix(kv.Key, cluster.DataPrefix)] = kv.Value
	}
	return out, nil
}
