package statusinlocal

import (
	"time"

	"github.com/gatewright/gatewright/registry"
)

// DefaultInterval is how often the status file is written unless the spec
// says otherwise.
const DefaultInterval = 5 * time.Second

// MinInterval is the shortest interval a spec may ask for.
const MinInterval = 100 * time.Millisecond

// Spec is the controller's spec.
type Spec struct {
	// Path is the file the status of all objects is written to. It is
	// replaced as a whole on each write, never left half-written.
	Path string `json:"path" jsonschema:"required,minLength=1,description=file the status of all objects is written to"`
	// Interval is the time between two writes.
	Interval registry.Duration `json:"interval,omitempty" jsonschema:"description=time between two writes (default 5s; at least 100ms)"`
}

// Validate checks the interval bound.
func (s *Spec) Validate() error {
	if s.Interval.D() < MinInterval {
		return registry.FieldError{Path: "interval", Reason: "must be at least " + MinInterval.String()}
	}
	return nil
}
