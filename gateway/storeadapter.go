package gateway

import (
	"context"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/supervisor"
)

// supervisorStore presents the cluster store as the supervisor's Store.
type supervisorStore struct{ s *cluster.Store }

func (a supervisorStore) List(ctx context.Context, prefix string) ([]supervisor.Entry, uint64, error) {
	kvs, rev, err := a.s.List(ctx, prefix)
	if err != nil {
		return nil, 0, err
	}
	out := make([]supervisor.Entry, len(kvs))
	for i, kv := range kvs {
		out[i] = supervisor.Entry{Key: kv.Key, Value: kv.Value, Revision: kv.ModRevision}
	}
	return out, rev, nil
}

func (a supervisorStore) Watch(ctx context.Context, prefix string, from uint64) (supervisor.Watch, error) {
	w, err := a.s.Watch(ctx, prefix, from)
	if err != nil {
		return nil, err
	}
	ch := make(chan supervisor.Event, 64)
	sw := &storeWatch{w: w, ch: ch}
	go sw.pump()
	return sw, nil
}

// storeWatch converts cluster events into supervisor events.
type storeWatch struct {
	w  *cluster.Watcher
	ch chan supervisor.Event
}

func (sw *storeWatch) pump() {
	defer close(sw.ch)
	for ev := range sw.w.Events() {
		sw.ch <- supervisor.Event{
			Key:      ev.KV.Key,
			Value:    ev.KV.Value,
			Revision: ev.Revision,
			Deleted:  ev.Type == cluster.EventDelete,

			MoreInRevision: ev.MoreInRevision,
		}
	}
}

func (sw *storeWatch) Events() <-chan supervisor.Event { return sw.ch }
func (sw *storeWatch) Err() error                      { return sw.w.Err() }
func (sw *storeWatch) Close() {
	sw.w.Close()
	for range sw.ch {
	}
}
