package cluster

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestLeaseExpiryDeletesKeys(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)
	id, err := s.Grant(ctx, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutWithLease(ctx, "data/sessions/a", []byte("a"), id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutWithLease(ctx, "data/sessions/b", []byte("b"), id); err != nil {
		t.Fatal(err)
	}
	// A plain put detaches a key from its lease.
	if _, err := s.PutWithLease(ctx, "data/sessions/c", []byte("c"), id); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "data/sessions/c", "kept")
	if kv := mustGet(t, s, "data/sessions/a"); kv.Lease != id {
		t.Fatalf("leased key: %+v", kv)
	}
	w, err := s.Watch(ctx, "data/sessions/", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	before := s.Revision()

	got := receive(t, w, 2)
	names := []string{eventString(got[0]), eventString(got[1])}
	if !slices.Equal(names, []string{"delete data/sessions/a", "delete data/sessions/b"}) {
		t.Fatalf("events at expiry = %q", names)
	}
	if got[0].Revision != before+1 || got[1].Revision != before+1 {
		t.Fatalf("expiry at revisions %d, %d; want one write at %d", got[0].Revision, got[1].Revision, before+1)
	}
	if _, err := s.Get(ctx, "data/sessions/a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired key: %v", err)
	}
	mustGet(t, s, "data/sessions/c")
	if err := s.KeepAlive(ctx, id); !errors.Is(err, ErrLeaseNotFound) {
		t.Fatalf("KeepAlive of an expired lease: %v, want ErrLeaseNotFound", err)
	}
	if _, err := s.PutWithLease(ctx, "data/sessions/d", nil, id); !errors.Is(err, ErrLeaseNotFound) {
		t.Fatalf("PutWithLease with an expired lease: %v, want ErrLeaseNotFound", err)
	}
}

func TestKeepAlivePreventsExpiry(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)
	const ttl = 300 * time.Millisecond
	kept, err := s.Grant(ctx, ttl)
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := s.Grant(ctx, ttl)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutWithLease(ctx, "kept", nil, kept); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutWithLease(ctx, "dropped", nil, dropped); err != nil {
		t.Fatal(err)
	}
	// Keep one lease alive while the other one expires, and for two more
	// TTLs after that.
	deadline := time.Now().Add(5 * time.Second)
	var droppedAt time.Time
	for droppedAt.IsZero() || time.Since(droppedAt) < 2*ttl {
		if time.Now().After(deadline) {
			t.Fatal("the lease without keep-alives did not expire")
		}
		if err := s.KeepAlive(ctx, kept); err != nil {
			t.Fatalf("KeepAlive: %v", err)
		}
		if _, err := s.Get(ctx, "dropped"); droppedAt.IsZero() && errors.Is(err, ErrNotFound) {
			droppedAt = time.Now()
		}
		time.Sleep(ttl / 6) // the keep-alive cadence
	}
	mustGet(t, s, "kept")

	// Once the keep-alives stop, the lease expires too.
	eventually(t, 5*time.Second, "the kept lease to expire", func() bool {
		_, err := s.Get(ctx, "kept")
		return errors.Is(err, ErrNotFound)
	})
}

func TestRevoke(t *testing.T) {
	s := newStore(t)
	ctx := testCtx(t)
	id, err := s.Grant(ctx, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutWithLease(ctx, "k", []byte("v"), id); err != nil {
		t.Fatal(err)
	}
	rev := s.Revision()
	if err := s.Revoke(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("key after Revoke: %v", err)
	}
	if s.Revision() != rev+1 {
		t.Fatalf("revision after Revoke = %d, want %d", s.Revision(), rev+1)
	}
	if err := s.Revoke(ctx, id); !errors.Is(err, ErrLeaseNotFound) {
		t.Fatalf("second Revoke: %v, want ErrLeaseNotFound", err)
	}
	// Revoking a lease without keys is not a write.
	empty, err := s.Grant(ctx, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, empty); err != nil || s.Revision() != rev+1 {
		t.Fatalf("Revoke of an empty lease: %v, revision %d", err, s.Revision())
	}
	if _, err := s.Grant(ctx, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Grant(0): %v, want ErrInvalid", err)
	}
}

func TestLeaseSurvivesRestartWithFreshTTL(t *testing.T) {
	cfg := testConfig(t.TempDir())
	s := openStore(t, cfg)
	ctx := testCtx(t)
	id, err := s.Grant(ctx, 400*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutWithLease(ctx, "k", nil, id); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openStore(t, cfg)
	if kv := mustGet(t, s2, "k"); kv.Lease != id {
		t.Fatalf("leased key after restart: %+v", kv)
	}
	eventually(t, 5*time.Second, "the lease to expire on the new leader", func() bool {
		_, err := s2.Get(ctx, "k")
		return errors.Is(err, ErrNotFound)
	})
}
