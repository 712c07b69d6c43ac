package cluster

import (
	"context"
	"errors"
	"sync"
	"time"
)

// lessor keeps the deadlines of the leases on the leader. Deadlines are not
// replicated: a node that becomes leader gives every lease a fresh full TTL
// from the moment it took over, and a keep-alive renews a lease on the
// leader only.
type lessor struct {
	mu        sync.Mutex
	leader    bool
	deadlines map[LeaseID]time.Time
}

func newLessor() *lessor {
	return &lessor{deadlines: make(map[LeaseID]time.Time)}
}

// setLeader records a leadership change. Deadlines of an earlier term are
// forgotten, so every lease starts again with its full TTL.
func (l *lessor) setLeader(leader bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.leader = leader
	clear(l.deadlines)
}

// renew sets the deadline of lease id to now + ttl.
func (l *lessor) renew(id LeaseID, ttl time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.deadlines[id] = time.Now().Add(ttl)
}

// expired returns the leases past their deadline at now, given the TTL of
// every existing lease. A lease without a deadline gets one; deadlines of
// leases that no longer exist are dropped. Only the leader expires leases.
func (l *lessor) expired(now time.Time, ttls map[LeaseID]time.Duration) []LeaseID {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.leader {
		return nil
	}
	var out []LeaseID
	for id, ttl := range ttls {
		d, ok := l.deadlines[id]
		switch {
		case !ok:
			l.deadlines[id] = now.Add(ttl)
		case now.After(d):
			out = append(out, id)
		}
	}
	for id := range l.deadlines {
		if _, ok := ttls[id]; !ok {
			delete(l.deadlines, id)
		}
	}
	return out
}

// runLessor follows leadership changes and, on the leader, revokes the
// leases past their deadline through raft, so every node deletes their keys.
func (s *Store) runLessor(leaderCh <-chan bool) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.LeaseCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case leader := <-leaderCh:
			s.lessor.setLeader(leader)
			if leader {
				s.endQuickElection()
			}
		case now := <-t.C:
			for _, id := range s.lessor.expired(now, s.fsm.leaseTTLs()) {
				s.expire(id)
			}
		}
	}
}

// expire proposes the revocation of an expired lease. A failure is retried
// at the next check if this node is still the leader.
func (s *Store) expire(id LeaseID) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ApplyTimeout)
	defer cancel()
	_, err := s.propose(ctx, &command{Type: cmdRevoke, Lease: id})
	switch {
	case err == nil:
		s.logger.Debug("cluster: lease expired", "lease", id)
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrClosed), errors.Is(err, ErrNotLeader):
	default:
		s.logger.Warn("cluster: revoking expired lease failed", "lease", id, "err", err)
	}
}
