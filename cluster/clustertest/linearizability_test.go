package clustertest_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/cluster/clustertest"
)

// kvInput is an operation of the history: a put of value, or a read.
type kvInput struct {
	put   bool
	key   string
	value string
}

// kvOutput is what a read returned.
type kvOutput struct {
	value string
	found bool
}

// registerModel is a register per key: a read returns the last value put.
func registerModel() porcupine.Model {
	return porcupine.Model{
		Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
			byKey := map[string][]porcupine.Operation{}
			for _, op := range history {
				k := op.Input.(kvInput).key
				byKey[k] = append(byKey[k], op)
			}
			out := make([][]porcupine.Operation, 0, len(byKey))
			for _, ops := range byKey {
				out = append(out, ops)
			}
			return out
		},
		Init: func() any { return kvOutput{} },
		Step: func(state, input, output any) (bool, any) {
			in, st := input.(kvInput), state.(kvOutput)
			if in.put {
				return true, kvOutput{value: in.value, found: true}
			}
			return output.(kvOutput) == st, st
		},
		DescribeOperation: func(input, output any) string {
			in := input.(kvInput)
			if in.put {
				return fmt.Sprintf("put(%s, %s)", in.key, in.value)
			}
			out := output.(kvOutput)
			return fmt.Sprintf("get(%s) -> %q %v", in.key, out.value, out.found)
		},
	}
}

// history collects the operations of concurrent clients.
type history struct {
	mu    sync.Mutex
	start time.Time
	ops   []porcupine.Operation
}

func (h *history) now() int64 { return time.Since(h.start).Nanoseconds() }

func (h *history) add(op porcupine.Operation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, op)
}

// TestLinearizableUnderLeaderKill runs clients that put and linearizably
// read a few keys on every node while the leader is killed and started
// again, and checks the history with porcupine. A put whose outcome is
// unknown may take effect any time after it was called; a put that
// provably reached no leader, and a failed read, are left out.
func TestLinearizableUnderLeaderKill(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{})
	ctx := c.Context()
	h := &history{start: time.Now()}
	keys := []string{"objects/x", "objects/y", "objects/z"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := 0
	for _, n := range c.Running() {
		for range 2 {
			id := client
			client++
			s := n.Store()
			rng := rand.New(rand.NewPCG(uint64(id), 7))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					runOp(ctx, s, h, id, i, keys[rng.IntN(len(keys))], rng.IntN(2) == 0)
					if n.Store() != s {
						return // the node was killed
					}
				}
			}()
		}
	}
	count := func() int {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.ops)
	}
	c.WaitFor("100 operations", func() bool { return count() >= 100 })
	old := c.Leader()
	c.Kill(old)
	c.Leader()
	before := count()
	c.WaitFor("100 operations under the new leader", func() bool { return count() >= before+100 })
	c.Restart(old)
	c.WaitFor("50 more operations", func() bool { return count() >= before+150 })
	close(stop)
	wg.Wait()

	res, info := porcupine.CheckOperationsVerbose(registerModel(), h.ops, time.Minute)
	switch res {
	case porcupine.Ok:
		t.Logf("linearizable: %d operations", len(h.ops))
	case porcupine.Unknown:
		t.Fatalf("the checker timed out on %d operations", len(h.ops))
	default:
		for _, part := range info.PartialLinearizationsOperations() {
			t.Logf("partial linearization: %v", part)
		}
		t.Fatalf("history of %d operations is not linearizable", len(h.ops))
	}
}

// runOp runs one put or linearizable read and records it.
func runOp(ctx context.Context, s *cluster.Store, h *history, client, i int, key string, put bool) {
	opCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	call := h.now()
	if put {
		value := fmt.Sprintf("c%d-%d", client, i)
		_, err := s.Put(opCtx, key, []byte(value))
		ret := h.now()
		switch {
		case err == nil:
		case errors.Is(err, cluster.ErrOutcomeUnknown), errors.Is(err, cluster.ErrLeadershipLost), errors.Is(err, cluster.ErrClosed):
			ret = math.MaxInt64 // it may take effect at any later time
		case errors.Is(err, cluster.ErrNotLeader):
			return // it reached no leader: nothing happened
		default:
			ret = math.MaxInt64
		}
		h.add(porcupine.Operation{ClientId: client, Input: kvInput{put: true, key: key, value: value}, Call: call, Output: kvOutput{}, Return: ret})
		return
	}
	kv, err := s.Get(opCtx, key, cluster.Linearizable())
	ret := h.now()
	out := kvOutput{}
	switch {
	case err == nil:
		out = kvOutput{value: string(kv.Value), found: true}
	case errors.Is(err, cluster.ErrNotFound):
	default:
		return // a failed read tells nothing
	}
	h.add(porcupine.Operation{ClientId: client, Input: kvInput{key: key}, Call: call, Output: out, Return: ret})
}
