package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestStateSnapshotRoundTrip(t *testing.T) {
	st := newState()
	if err := st.grant(7, time.Second); err != nil {
		t.Fatal(err)
	}
	ops := []opRecord{
		{Type: OpPut, Key: "objects/a", Value: []byte("A")},
		{Type: OpPut, Key: "data/k/x", Value: []byte{0, 1, 2}, Lease: 7},
		{Type: OpPut, Key: "empty"},
	}
	if _, _, err := st.txn(ops); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.txn([]opRecord{{Type: OpPut, Key: "objects/a", Value: []byte("A2")}}); err != nil {
		t.Fatal(err)
	}

	f := &fsm{st: st, hub: newHub(10, 10)}
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Writes after Snapshot do not leak into it.
	if _, _, err := st.txn([]opRecord{{Type: OpDelete, Key: "objects/a"}}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := snap.(*fsmSnapshot).write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := readSnapshot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.rev != 2 || len(got.kvs) != 3 {
		t.Fatalf("restored revision %d with %d keys, want 2 with 3", got.rev, len(got.kvs))
	}
	a, err := got.get("objects/a")
	if err != nil || string(a.Value) != "A2" || a.CreateRevision != 1 || a.ModRevision != 2 {
		t.Fatalf("restored objects/a = %+v, %v", a, err)
	}
	x, _ := got.get("data/k/x")
	if !bytes.Equal(x.Value, []byte{0, 1, 2}) || x.Lease != 7 {
		t.Fatalf("restored data/k/x = %+v", x)
	}
	if l := got.leases[7]; l == nil || l.ttl != time.Second || len(l.keys) != 1 {
		t.Fatalf("restored lease 7 = %+v", l)
	}

	var trunc bytes.Buffer
	_ = snap.(*fsmSnapshot).write(&trunc)
	if _, err := readSnapshot(bytes.NewReader(trunc.Bytes()[:trunc.Len()-10])); err == nil {
		t.Fatal("a truncated snapshot was accepted")
	}
}

func TestStateTxnPreconditions(t *testing.T) {
	st := newState()
	rev, _, _ := st.txn([]opRecord{{Type: OpPut, Key: "a", Value: []byte("1")}})
	zero, stale := uint64(0), rev+5
	cases := []struct {
		name string
		ops  []opRecord
		want error
	}{
		{"create-only on existing", []opRecord{{Type: OpPut, Key: "a", Expect: &zero}}, ErrConflict},
		{"stale revision", []opRecord{{Type: OpPut, Key: "a", Expect: &stale}}, ErrConflict},
		{"expected revision of a missing key", []opRecord{{Type: OpPut, Key: "b", Expect: &rev}}, ErrConflict},
		{"delete missing", []opRecord{{Type: OpDelete, Key: "b"}}, ErrNotFound},
		{"unknown lease", []opRecord{{Type: OpPut, Key: "b", Lease: 3}}, ErrLeaseNotFound},
		{"duplicate key", []opRecord{{Type: OpPut, Key: "b"}, {Type: OpPut, Key: "b"}}, ErrInvalid},
		{"empty key", []opRecord{{Type: OpPut}}, ErrInvalid},
		{"unknown type", []opRecord{{Type: 9, Key: "b"}}, ErrInvalid},
		{"lease on delete", []opRecord{{Type: OpDelete, Key: "a", Lease: 1}}, ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, events, err := st.txn(append([]opRecord{{Type: OpPut, Key: "first"}}, tc.ops...))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if events != nil || st.rev != rev {
				t.Fatalf("a failed batch wrote: events %v, revision %d", events, st.rev)
			}
			if _, err := st.get("first"); !errors.Is(err, ErrNotFound) {
				t.Fatal("a failed batch applied its first operation")
			}
		})
	}
}

func TestHistoryKeepsWholeRevisions(t *testing.T) {
	h := history{limit: 4}
	ev := func(rev uint64, n int) []Event {
		out := make([]Event, n)
		for i := range out {
			out[i] = Event{Type: EventPut, KV: KV{Key: fmt.Sprintf("k%d/%d", rev, i)}, Revision: rev}
		}
		return out
	}
	if d := h.add(1, ev(1, 2)); d != 0 {
		t.Fatalf("dropped %d below the limit", d)
	}
	h.add(2, ev(2, 2))
	if d := h.add(3, ev(3, 1)); d != 1 {
		t.Fatalf("dropped up to %d, want 1", d)
	}
	if got := h.since(1, ""); len(got) != 3 || got[0].Revision != 2 {
		t.Fatalf("since(1) = %+v", got)
	}
	// A revision larger than the limit is kept on its own.
	if d := h.add(4, ev(4, 6)); d != 3 {
		t.Fatalf("dropped up to %d, want 3", d)
	}
	if got := h.since(0, "k4/"); len(got) != 6 {
		t.Fatalf("since(0, k4/) = %d events, want 6", len(got))
	}
	for rev := uint64(5); rev < 300; rev++ {
		h.add(rev, ev(rev, 1))
	}
	if got := h.since(295, ""); len(got) != 4 || got[0].Revision != 296 {
		t.Fatalf("since(295) after many revisions = %+v", got)
	}
	if len(h.batches) > 200 {
		t.Fatalf("history keeps %d batches for 4 events", len(h.batches))
	}
}
