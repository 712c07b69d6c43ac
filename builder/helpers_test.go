package builder_test

import (
	"errors"
	"strings"
	"sync"

	"github.com/gatewright/gatewright/builder"
)

func asGoError(err error, target **builder.GoError) bool { return errors.As(err, target) }

// syncBuffer is a strings.Builder safe for a writer and a reader in
// different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
