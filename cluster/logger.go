package cluster

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"

	"github.com/hashicorp/go-hclog"
)

// hclogAdapter routes the hclog output of raft and its transport into a
// slog.Logger, dropping records below a minimum level.
type hclogAdapter struct {
	base   *slog.Logger // the logger given in Config
	logger *slog.Logger // base with the name and implied args
	name   string
	args   []any
	min    slog.Leveler
	// quiet, if set and true, turns every record into a debug record: the
	// store is closing and the errors of its connections are expected.
	quiet func() bool
}

var _ hclog.Logger = (*hclogAdapter)(nil)

// newHclog returns an hclog.Logger named name that writes to logger the
// records at or above min.
func newHclog(logger *slog.Logger, name string, min slog.Leveler) hclog.Logger {
	a := &hclogAdapter{base: logger, name: name, min: min}
	a.build()
	return a
}

// quietWhen returns a copy of the logger that logs at debug level while
// quiet returns true.
func (a *hclogAdapter) quietWhen(quiet func() bool) hclog.Logger {
	c := *a
	c.quiet = quiet
	return &c
}

// build derives the logger from base, name and args.
func (a *hclogAdapter) build() {
	l := a.base
	if a.name != "" {
		l = l.With("component", a.name)
	}
	if len(a.args) > 0 {
		l = l.With(a.args...)
	}
	a.logger = l
}

// slogLevel maps an hclog level onto a slog level.
func slogLevel(l hclog.Level) slog.Level {
	switch l {
	case hclog.Trace:
		return slog.LevelDebug - 4
	case hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

func (a *hclogAdapter) enabled(l slog.Level) bool {
	return l >= a.min.Level() && a.logger.Enabled(context.Background(), l)
}

// Log and the methods below implement hclog.Logger.
func (a *hclogAdapter) Log(level hclog.Level, msg string, args ...any) {
	if level == hclog.Off {
		return
	}
	l := slogLevel(level)
	if level == hclog.Warn && isFirstElection(msg, args) {
		l = slog.LevelInfo
	}
	if a.quiet != nil && a.quiet() {
		l = min(l, slog.LevelDebug)
	}
	if !a.enabled(l) {
		return
	}
	a.logger.Log(context.Background(), l, msg, args...)
}

func (a *hclogAdapter) Trace(msg string, args ...any) { a.Log(hclog.Trace, msg, args...) }
func (a *hclogAdapter) Debug(msg string, args ...any) { a.Log(hclog.Debug, msg, args...) }
func (a *hclogAdapter) Info(msg string, args ...any)  { a.Log(hclog.Info, msg, args...) }
func (a *hclogAdapter) Warn(msg string, args ...any)  { a.Log(hclog.Warn, msg, args...) }
func (a *hclogAdapter) Error(msg string, args ...any) { a.Log(hclog.Error, msg, args...) }

func (a *hclogAdapter) IsTrace() bool { return a.enabled(slogLevel(hclog.Trace)) }
func (a *hclogAdapter) IsDebug() bool { return a.enabled(slog.LevelDebug) }
func (a *hclogAdapter) IsInfo() bool  { return a.enabled(slog.LevelInfo) }
func (a *hclogAdapter) IsWarn() bool  { return a.enabled(slog.LevelWarn) }
func (a *hclogAdapter) IsError() bool { return a.enabled(slog.LevelError) }

func (a *hclogAdapter) ImpliedArgs() []any { return a.args }

func (a *hclogAdapter) With(args ...any) hclog.Logger {
	c := *a
	c.args = append(append([]any(nil), a.args...), args...)
	c.build()
	return &c
}

func (a *hclogAdapter) Name() string { return a.name }

func (a *hclogAdapter) Named(name string) hclog.Logger {
	if a.name != "" {
		name = a.name + "." + name
	}
	return a.ResetNamed(name)
}

func (a *hclogAdapter) ResetNamed(name string) hclog.Logger {
	c := *a
	c.name = name
	c.build()
	return &c
}

// SetLevel is a no-op: the level is fixed by Config.RaftLogLevel.
func (a *hclogAdapter) SetLevel(hclog.Level) {}

func (a *hclogAdapter) GetLevel() hclog.Level {
	l := a.min.Level()
	switch {
	case l < slog.LevelDebug:
		return hclog.Trace
	case l < slog.LevelInfo:
		return hclog.Debug
	case l < slog.LevelWarn:
		return hclog.Info
	case l < slog.LevelError:
		return hclog.Warn
	default:
		return hclog.Error
	}
}

func (a *hclogAdapter) StandardLogger(*hclog.StandardLoggerOptions) *log.Logger {
	return slog.NewLogLogger(a.logger.Handler(), a.min.Level())
}

func (a *hclogAdapter) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	return a.StandardLogger(opts).Writer()
}

// isFirstElection reports whether a raft record is the election a node
// starts when it has never known a leader (every fresh start of a
// single-node store does it): expected, so not worth a warning. Once a
// leader was known, the same record means it was lost and stays a warning.
func isFirstElection(msg string, args []any) bool {
	if msg != "heartbeat timeout reached, starting election" {
		return false
	}
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == "last-leader-id" {
			return fmt.Sprint(args[i+1]) == ""
		}
	}
	return false
}
