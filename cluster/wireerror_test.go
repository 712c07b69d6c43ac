package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestWireErrorsKeepTheirTypes(t *testing.T) {
	cases := []struct {
		name  string
		err   error
		check func(error) bool
	}{
		{"conflict", &ConflictError{Key: "k", Expected: 3, Current: 5}, func(err error) bool {
			var c *ConflictError
			return errors.As(err, &c) && c.Key == "k" && c.Expected == 3 && c.Current == 5 && errors.Is(err, ErrConflict)
		}},
		{"not leader", fmt.Errorf("wrapped: %w", &NotLeaderError{LeaderID: "n1", LeaderAddr: "127.0.0.1:1"}), func(err error) bool {
			var nl *NotLeaderError
			return errors.As(err, &nl) && nl.LeaderID == "n1" && nl.LeaderAddr == "127.0.0.1:1"
		}},
		{"lease", fmt.Errorf("%w: 7", ErrLeaseNotFound), func(err error) bool {
			return errors.Is(err, ErrLeaseNotFound) && errors.Is(err, ErrNotFound) && err.Error() == "cluster: not found: lease: 7"
		}},
		{"not found", fmt.Errorf("%w: key %q", ErrNotFound, "x"), func(err error) bool {
			return errors.Is(err, ErrNotFound) && !errors.Is(err, ErrLeaseNotFound)
		}},
		{"invalid", fmt.Errorf("%w: empty key", ErrInvalid), func(err error) bool { return errors.Is(err, ErrInvalid) }},
		{"leadership lost", ErrLeadershipLost, func(err error) bool { return errors.Is(err, ErrLeadershipLost) }},
		{"closed leader", ErrClosed, func(err error) bool {
			// The asking node is not closed: the outcome is unknown.
			return errors.Is(err, ErrOutcomeUnknown) && !errors.Is(err, ErrClosed)
		}},
		{"deadline", fmt.Errorf("waiting: %w", context.DeadlineExceeded), func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{"other", errors.New("disk full"), func(err error) bool { return err.Error() == "disk full" && errors.Unwrap(err) == nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fromWire(toWire(c.err))
			if !c.check(got) {
				t.Fatalf("%v came back as %v (%T)", c.err, got, got)
			}
		})
	}
	if toWire(nil) != nil || fromWire(nil) != nil {
		t.Fatal("nil did not stay nil")
	}
}
