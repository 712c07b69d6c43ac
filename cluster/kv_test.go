package cluster

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPutGetListDelete(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)

	if _, err := s.Get(ctx, "objects/missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	r1 := mustPut(t, s, ObjectKey("b"), "B")
	r2 := mustPut(t, s, ObjectKey("a"), "A")
	r3 := mustPut(t, s, DataKey("users", "x"), "X")
	if !(r1 < r2 && r2 < r3) || r3 != s.Revision() {
		t.Fatalf("revisions %d, %d, %d (store %d): want increasing, last = store revision", r1, r2, r3, s.Revision())
	}
	r4 := mustPut(t, s, ObjectKey("b"), "B2")
	kv := mustGet(t, s, ObjectKey("b"))
	if string(kv.Value) != "B2" || kv.CreateRevision != r1 || kv.ModRevision != r4 {
		t.Fatalf("Get b = %+v, want value B2, create %d, mod %d", kv, r1, r4)
	}

	kvs, rev, err := s.List(ctx, ObjectPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if rev != r4 || len(kvs) != 2 || kvs[0].Key != "objects/a" || kvs[1].Key != "objects/b" {
		t.Fatalf("List = %+v at %d, want objects/a, objects/b at %d", kvs, rev, r4)
	}
	all, _, _ := s.List(ctx, "")
	if len(all) != 3 {
		t.Fatalf("List all: %d keys, want 3", len(all))
	}

	// Values handed out are copies.
	kv.Value[0] = 'Z'
	if got := mustGet(t, s, ObjectKey("b")); string(got.Value) != "B2" {
		t.Fatalf("stored value changed through a returned slice: %q", got.Value)
	}

	r5, err := s.Delete(ctx, ObjectKey("a"))
	if err != nil || r5 != r4+1 {
		t.Fatalf("Delete = %d, %v; want %d", r5, err, r4+1)
	}
	if _, err := s.Get(ctx, ObjectKey("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get deleted: %v", err)
	}
	if _, err := s.Delete(ctx, ObjectKey("a")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete missing: %v, want ErrNotFound", err)
	}
	if s.Revision() != r5 {
		t.Fatalf("a failed delete changed the revision: %d, want %d", s.Revision(), r5)
	}
	if _, err := s.Put(ctx, "", []byte("x")); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Put empty key: %v, want ErrInvalid", err)
	}
}

func TestCompareAndSwap(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)

	r1, err := s.CompareAndSwap(ctx, "k", 0, []byte("v1"))
	if err != nil {
		t.Fatalf("create-only CAS: %v", err)
	}
	_, err = s.CompareAndSwap(ctx, "k", 0, []byte("again"))
	var ce *ConflictError
	if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) || ce.Current != r1 {
		t.Fatalf("create-only CAS on existing key: %v, want conflict at current %d", err, r1)
	}
	r2, err := s.CompareAndSwap(ctx, "k", r1, []byte("v2"))
	if err != nil {
		t.Fatalf("CAS at current revision: %v", err)
	}
	_, err = s.CompareAndSwap(ctx, "k", r1, []byte("stale"))
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "current revision is") {
		t.Fatalf("stale CAS: %v, want a conflict naming the current revision", err)
	}
	if !errors.As(err, &ce) || ce.Expected != r1 || ce.Current != r2 {
		t.Fatalf("stale CAS: %#v, want expected %d current %d", ce, r1, r2)
	}
	if kv := mustGet(t, s, "k"); string(kv.Value) != "v2" {
		t.Fatalf("value after failed CAS = %q, want v2", kv.Value)
	}

	if _, err := s.CompareAndDelete(ctx, "k", r1); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale CompareAndDelete: %v", err)
	}
	if _, err := s.CompareAndDelete(ctx, "k", r2); err != nil {
		t.Fatalf("CompareAndDelete: %v", err)
	}
	if _, err := s.CompareAndDelete(ctx, "k", r2); !errors.Is(err, ErrConflict) {
		t.Fatalf("CompareAndDelete of a deleted key: %v, want a conflict", err)
	}
}

func TestApplyAllOrNothing(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)
	base := mustPut(t, s, "objects/old", "old")

	// A failing precondition anywhere writes nothing.
	_, err := s.Apply(ctx, []Op{
		PutOp("objects/a", []byte("A")),
		DeleteOp("objects/old"),
		PutOp("objects/b", []byte("B")).WithExpect(base),
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("Apply with a failing precondition: %v, want ErrConflict", err)
	}
	_, err = s.Apply(ctx, []Op{PutOp("objects/a", []byte("A")), DeleteOp("objects/missing")})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Apply deleting a missing key: %v, want ErrNotFound", err)
	}
	_, err = s.Apply(ctx, []Op{PutOp("objects/a", []byte("A")), {Type: OpPut, Key: "objects/l", Lease: 12345}})
	if !errors.Is(err, ErrLeaseNotFound) {
		t.Fatalf("Apply with an unknown lease: %v, want ErrLeaseNotFound", err)
	}
	_, err = s.Apply(ctx, []Op{PutOp("objects/a", []byte("A")), DeleteOp("objects/a")})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Apply with a key twice: %v, want ErrInvalid", err)
	}
	if kvs, rev, _ := s.List(ctx, ""); len(kvs) != 1 || rev != base {
		t.Fatalf("after failed batches: %d keys at %d, want 1 at %d", len(kvs), rev, base)
	}

	// A successful batch is one revision.
	rev, err := s.Apply(ctx, []Op{
		PutOp("objects/a", []byte("A")),
		PutOp("objects/b", []byte("B")).WithExpect(0),
		DeleteOp("objects/old").WithExpect(base),
	})
	if err != nil || rev != base+1 {
		t.Fatalf("Apply = %d, %v; want %d", rev, err, base+1)
	}
	kvs, _, _ := s.List(ctx, ObjectPrefix)
	if len(kvs) != 2 || kvs[0].ModRevision != rev || kvs[1].ModRevision != rev {
		t.Fatalf("after batch: %+v, want a and b at %d", kvs, rev)
	}
	if got, err := s.Apply(ctx, nil); err != nil || got != rev {
		t.Fatalf("empty Apply = %d, %v; want %d", got, err, rev)
	}
}

func TestNotLeaderWithoutCluster(t *testing.T) {
	// A fresh node that does not bootstrap opens at once and is nobody's
	// member yet: a write waits for a leader up to ApplyTimeout and fails
	// saying there is none.
	s := newStore(t, func(c *Config) { c.Bootstrap = false; c.ApplyTimeout = 200 * time.Millisecond })
	_, err := s.Put(context.Background(), "k", []byte("v"))
	var nl *NotLeaderError
	if !errors.Is(err, ErrNotLeader) || !errors.As(err, &nl) || nl.LeaderAddr != "" ||
		!errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no leader elected within") {
		t.Fatalf("Put on a non-member: %v, want ErrNotLeader with no leader", err)
	}
	if _, err := s.Grant(context.Background(), 1); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("Grant on a non-member: %v, want ErrNotLeader", err)
	}
}

func TestClosedStore(t *testing.T) {
	s := newStore(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if _, err := s.Put(ctx, "k", nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Put after Close: %v", err)
	}
	if _, err := s.Get(ctx, "k"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
	if _, err := s.Watch(ctx, "", 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Watch after Close: %v", err)
	}
}
