package registry

import (
	"encoding/json"
	"fmt"
	"time"

	gen "github.com/invopop/jsonschema"
)

// Duration is a time.Duration written in specs in Go syntax ("250ms",
// "1.5s", "2m"). Use it for every duration field of a spec so that the
// schema, the decoder and the status output agree.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration in Go syntax.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a Go duration string. A bare number is refused so
// that "timeout: 5" is not silently five nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"500ms\" or \"2s\", got %s", b)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: use Go syntax such as \"500ms\", \"1.5s\", \"2m\"", s)
	}
	*d = Duration(v)
	return nil
}

// durationPattern accepts what time.ParseDuration accepts, and "".
const durationPattern = `^$|^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// JSONSchema describes a duration to the schema generator.
func (Duration) JSONSchema() *gen.Schema {
	return &gen.Schema{
		Type:        "string",
		Pattern:     durationPattern,
		Description: "duration in Go syntax, e.g. 250ms, 1.5s, 2m",
	}
}
