package cluster

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// peersFileName is the file in the raft directory that remembers the
// gossip addresses of the members last seen alive, so that a restarted
// node finds its cluster again even without Config.Join.
const peersFileName = "gossip-peers.json"

// runJoin keeps this node in the gossip: until it has found another
// member it tries Config.Join, the remembered peers and the dead members
// with a backoff; afterwards, every Config.RejoinInterval, it contacts the
// members it sees as dead, which heals the gossip after a partition (each
// side declared the other dead and stopped talking to it).
func (s *Store) runJoin() {
	defer s.wg.Done()
	path := filepath.Join(s.cfg.DataDir, raftDirName, peersFileName)
	remembered := readPeers(path)
	delay := 50 * time.Millisecond
	for {
		if s.left.Load() {
			return
		}
		members := s.members.snapshot(time.Now())
		alive, dead := s.gossipPeers(members)
		var targets []string
		if len(alive) == 0 {
			targets = append(append(append(targets, s.cfg.Join...), remembered...), dead...)
		} else {
			targets = dead
		}
		targets = slices.DeleteFunc(slices.Compact(sorted(targets)), func(a string) bool { return a == s.gossipAddr })
		if len(targets) > 0 {
			if n, err := s.ml.Join(targets); err != nil && len(alive) == 0 {
				// Early failures are normal while the others start.
				level := slog.LevelDebug
				if delay >= s.cfg.RejoinInterval {
					level = slog.LevelWarn
				}
				s.logger.Log(context.Background(), level, "cluster: no node to join answered yet; retrying", "tried", targets, "err", err)
			} else if n > 0 {
				s.logger.Debug("cluster: gossip joined", "contacted", n)
			}
		}
		if len(alive) > 0 && !slices.Equal(alive, remembered) {
			if err := writePeers(path, alive); err != nil {
				s.logger.Warn("cluster: remembering the gossip peers failed", "err", err)
			} else {
				remembered = alive
			}
		}
		wait := s.cfg.RejoinInterval
		if len(alive) == 0 {
			wait, delay = delay, min(2*delay, s.cfg.RejoinInterval)
		}
		select {
		case <-s.stop:
			return
		case <-time.After(wait):
		}
	}
}

// gossipPeers returns the gossip addresses of the other members that are
// alive (or suspect) and of those that are dead (not those that left).
func (s *Store) gossipPeers(members []gossipMember) (alive, dead []string) {
	for _, m := range members {
		if m.name == s.cfg.NodeName || m.addr == "" {
			continue
		}
		switch m.state {
		case MemberAlive, MemberSuspect:
			alive = append(alive, m.addr)
		case MemberDead:
			dead = append(dead, m.addr)
		}
	}
	return sorted(alive), sorted(dead)
}

// sorted sorts a in place and returns it.
func sorted(a []string) []string {
	slices.Sort(a)
	return a
}

// readPeers returns the remembered gossip addresses, none if the file is
// missing or unreadable.
func readPeers(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var peers []string
	if json.Unmarshal(b, &peers) != nil {
		return nil
	}
	return sorted(peers)
}

// writePeers replaces the remembered gossip addresses.
func writePeers(path string, peers []string) error {
	b, err := json.Marshal(peers)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
