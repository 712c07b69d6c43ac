package retry

import (
	"time"

	"github.com/gatewright/gatewright/registry"
)

// Defaults of the Retry spec.
const (
	// DefaultMaxAttempts is the number of tries, the first included.
	DefaultMaxAttempts = 3
	// DefaultWaitDuration is the base pause between tries.
	DefaultWaitDuration = 500 * time.Millisecond
	// DefaultMaxReplayBodySize bounds the streamed request bodies buffered
	// so that they can be sent again.
	DefaultMaxReplayBodySize = 1 << 20
	// MaxWaitDuration bounds waitDuration: a request must not hang for
	// longer than a client would wait.
	MaxWaitDuration = 5 * time.Minute
)

// Back-off policies.
const (
	// BackOffRandom pauses waitDuration (randomized) between tries.
	BackOffRandom = "random"
	// BackOffExponential multiplies the pause by 1.5 after every failure.
	BackOffExponential = "exponential"
)

// Spec is the Retry policy's own fields.
type Spec struct {
	// MaxAttempts is the number of tries, the first included.
	MaxAttempts int `json:"maxAttempts" jsonschema:"minimum=1,maximum=100,default=3,description=tries in all: the first included (at most 100)"`
	// WaitDuration is the base pause between tries.
	WaitDuration registry.Duration `json:"waitDuration" jsonschema:"description=base pause between tries (default 500ms)"`
	// BackOffPolicy is random (the same base pause every time) or
	// exponential (the base grows 1.5 times per failure).
	BackOffPolicy string `json:"backOffPolicy" jsonschema:"enum=random,enum=exponential,default=random,description=random or exponential (base x1.5 per failure)"`
	// RandomizationFactor f draws each pause from pause×(1±f).
	RandomizationFactor float64 `json:"randomizationFactor,omitempty" jsonschema:"minimum=0,maximum=1,description=pause drawn uniformly from pause x (1 +- factor)"`
	// RetryNonIdempotent retries POST, PATCH and other non-idempotent
	// requests too.
	RetryNonIdempotent bool `json:"retryNonIdempotent,omitempty" jsonschema:"description=also retry non-idempotent requests (POST; PATCH; ...)"`
	// MaxReplayBodySize is the largest streamed request body (known
	// length) read into memory so that it can be sent again; 0 never
	// buffers a streamed body (such requests are sent once).
	MaxReplayBodySize int64 `json:"maxReplayBodySize" jsonschema:"minimum=0,default=1048576,description=largest streamed request body buffered for replay in bytes (0: streamed bodies are sent once)"`
}

// DefaultSpec returns a spec holding the defaults.
func DefaultSpec() *Spec {
	return &Spec{
		MaxAttempts:       DefaultMaxAttempts,
		WaitDuration:      registry.Duration(DefaultWaitDuration),
		BackOffPolicy:     BackOffRandom,
		MaxReplayBodySize: DefaultMaxReplayBodySize,
	}
}

// Validate checks what the schema cannot.
func (s *Spec) Validate() error {
	switch {
	case s.WaitDuration < 0:
		return registry.FieldError{Path: "waitDuration", Reason: "must not be negative"}
	case s.WaitDuration.D() > MaxWaitDuration:
		return registry.FieldError{Path: "waitDuration", Reason: "must be at most " + MaxWaitDuration.String()}
	}
	return nil
}
