package cluster

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestRestartRestoresState(t *testing.T) {
	cfg := testConfig(t.TempDir())
	s := openStore(t, cfg)
	ctx := testCtx(t)
	mustPut(t, s, "objects/a", "A")
	mustPut(t, s, "objects/b", "B")
	rev, err := s.Delete(ctx, "objects/b")
	if err != nil {
		t.Fatal(err)
	}
	created := mustGet(t, s, "objects/a")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := openStore(t, cfg)
	if !s2.IsLeader() {
		t.Fatal("restarted single node is not the leader")
	}
	if s2.Revision() != rev {
		t.Fatalf("revision after restart = %d, want %d", s2.Revision(), rev)
	}
	if kv := mustGet(t, s2, "objects/a"); string(kv.Value) != "A" || kv.ModRevision != created.ModRevision {
		t.Fatalf("objects/a after restart = %+v, want %+v", kv, created)
	}
	if _, err := s2.Get(ctx, "objects/b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted key after restart: %v", err)
	}

	// Revisions continue, and a watcher from the current revision works.
	w, err := s2.Watch(ctx, "", s2.Revision())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	next := mustPut(t, s2, "objects/c", "C")
	if next != rev+1 {
		t.Fatalf("first revision after restart = %d, want %d", next, rev+1)
	}
	if ev := receive(t, w, 1)[0]; ev.Revision != next || ev.KV.Key != "objects/c" {
		t.Fatalf("event after restart = %+v", ev)
	}
}

func TestSnapshotAndRestart(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.TrailingLogs = 2
	s := openStore(t, cfg)
	ctx := testCtx(t)
	for i := range 20 {
		mustPut(t, s, fmt.Sprintf("objects/o%02d", i), fmt.Sprint(i))
	}
	id, err := s.Grant(ctx, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutWithLease(ctx, "data/sessions/s1", []byte("x"), id); err != nil {
		t.Fatal(err)
	}
	if err := s.Snapshot(); err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if first, err := s.logs.FirstIndex(); err != nil || first <= 1 {
		t.Fatalf("log not compacted by the snapshot: first index %d, %v", first, err)
	}
	// Writes after the snapshot come back from the log.
	if _, err := s.Delete(ctx, "objects/o00"); err != nil {
		t.Fatal(err)
	}
	last := mustPut(t, s, "objects/after", "snapshot")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := openStore(t, cfg)
	if s2.Revision() != last {
		t.Fatalf("revision after restart = %d, want %d", s2.Revision(), last)
	}
	kvs, _, err := s2.List(ctx, ObjectPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != 20 || kvs[0].Key != "objects/after" || kvs[1].Key != "objects/o01" {
		t.Fatalf("objects after restart: %d keys starting %q, %q", len(kvs), kvs[0].Key, kvs[1].Key)
	}
	if kv := mustGet(t, s2, "objects/o07"); string(kv.Value) != "7" {
		t.Fatalf("objects/o07 = %q", kv.Value)
	}
	if kv := mustGet(t, s2, "data/sessions/s1"); kv.Lease != id {
		t.Fatalf("leased key after restart: lease %d, want %d", kv.Lease, id)
	}
	if err := s2.KeepAlive(ctx, id); err != nil {
		t.Fatalf("lease after restart: %v", err)
	}
	if rev := mustPut(t, s2, "objects/new", "x"); rev != last+1 {
		t.Fatalf("revision after restart went from %d to %d", last, rev)
	}
	// A second restart from a snapshot taken after the first restart.
	if err := s2.Snapshot(); err != nil {
		t.Fatal(err)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	s3 := openStore(t, cfg)
	if s3.Revision() != last+1 {
		t.Fatalf("revision after second restart = %d, want %d", s3.Revision(), last+1)
	}
	mustGet(t, s3, "objects/new")
}
