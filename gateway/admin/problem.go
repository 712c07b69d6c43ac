package admin

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gatewright/gatewright/registry"
)

// ContentTypeProblem is the content type of every error response.
const ContentTypeProblem = "application/problem+json"

// ProblemType is the stable type URI of an error response.
type ProblemType string

// Problem types of the API.
const (
	ProblemBadRequest       ProblemType = "urn:gatewright:problem:bad-request"
	ProblemInvalidObject    ProblemType = "urn:gatewright:problem:invalid-object"
	ProblemNotFound         ProblemType = "urn:gatewright:problem:not-found"
	ProblemAlreadyExists    ProblemType = "urn:gatewright:problem:already-exists"
	ProblemStaleRevision    ProblemType = "urn:gatewright:problem:stale-revision"
	ProblemNotRunning       ProblemType = "urn:gatewright:problem:not-running"
	ProblemUnauthorized     ProblemType = "urn:gatewright:problem:unauthorized"
	ProblemForbidden        ProblemType = "urn:gatewright:problem:forbidden"
	ProblemMethodNotAllowed ProblemType = "urn:gatewright:problem:method-not-allowed"
	ProblemUnsupportedMedia ProblemType = "urn:gatewright:problem:unsupported-media-type"
	ProblemTooLarge         ProblemType = "urn:gatewright:problem:payload-too-large"
	ProblemUnavailable      ProblemType = "urn:gatewright:problem:unavailable"
	ProblemNotSupported     ProblemType = "urn:gatewright:problem:not-supported"
	ProblemInternal         ProblemType = "urn:gatewright:problem:internal"
)

// Problem is an RFC 9457 problem document, the body of every error.
type Problem struct {
	// Type identifies the kind of error; it never changes for a kind.
	Type ProblemType `json:"type"`
	// Title is a short summary of the type.
	Title string `json:"title"`
	// Status is the HTTP status.
	Status int `json:"status"`
	// Detail explains this occurrence, naming the object and field.
	Detail string `json:"detail"`
	// Instance is the request path.
	Instance string `json:"instance,omitempty"`
	// Object names the object concerned, when there is one.
	Object string `json:"object,omitempty"`
	// Fields lists field errors: path and reason.
	Fields []ProblemField `json:"fields,omitempty"`
	// Revision is the store revision, for writes that were stored.
	Revision uint64 `json:"revision,omitempty"`
}

// ProblemField is one field error of a Problem.
type ProblemField struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Error implements error, so clients can return a decoded Problem.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return p.Title
	}
	return p.Detail
}

// problemMeta returns the title and status of a type.
func problemMeta(t ProblemType) (string, int) {
	switch t {
	case ProblemBadRequest:
		return "Bad request", http.StatusBadRequest
	case ProblemInvalidObject:
		return "Invalid object", http.StatusBadRequest
	case ProblemNotFound:
		return "Not found", http.StatusNotFound
	case ProblemAlreadyExists:
		return "Already exists", http.StatusConflict
	case ProblemStaleRevision:
		return "Stale revision", http.StatusConflict
	case ProblemNotRunning:
		return "Stored but not running", http.StatusUnprocessableEntity
	case ProblemUnauthorized:
		return "Unauthorized", http.StatusUnauthorized
	case ProblemForbidden:
		return "Forbidden", http.StatusForbidden
	case ProblemMethodNotAllowed:
		return "Method not allowed", http.StatusMethodNotAllowed
	case ProblemUnsupportedMedia:
		return "Unsupported media type", http.StatusUnsupportedMediaType
	case ProblemTooLarge:
		return "Payload too large", http.StatusRequestEntityTooLarge
	case ProblemUnavailable:
		return "Unavailable", http.StatusServiceUnavailable
	case ProblemNotSupported:
		return "Not supported", http.StatusNotImplemented
	}
	return "Internal error", http.StatusInternalServerError
}

// newProblem builds a problem of a type.
func newProblem(t ProblemType, detail string) *Problem {
	title, status := problemMeta(t)
	return &Problem{Type: t, Title: title, Status: status, Detail: detail}
}

// problemFor maps a backend error onto a problem by its mark.
func problemFor(err error) *Problem {
	t := ProblemInternal
	switch {
	case errors.Is(err, ErrInvalid):
		t = ProblemInvalidObject
	case errors.Is(err, ErrNotFound):
		t = ProblemNotFound
	case errors.Is(err, ErrExists):
		t = ProblemAlreadyExists
	case errors.Is(err, ErrStale):
		t = ProblemStaleRevision
	case errors.Is(err, ErrNotRunning):
		t = ProblemNotRunning
	case errors.Is(err, ErrUnavailable):
		t = ProblemUnavailable
	}
	p := newProblem(t, err.Error())
	p.Fields = fieldErrors(err)
	return p
}

// fieldErrors collects the registry field errors in err's chain.
func fieldErrors(err error) []ProblemField {
	var out []ProblemField
	var walk func(error)
	walk = func(e error) {
		switch t := e.(type) {
		case registry.FieldErrors:
			for _, fe := range t {
				out = append(out, ProblemField{Path: fe.Path, Reason: fe.Reason})
			}
			return
		case registry.FieldError:
			out = append(out, ProblemField{Path: t.Path, Reason: t.Reason})
			return
		case interface{ Unwrap() []error }:
			for _, c := range t.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if c := t.Unwrap(); c != nil {
				walk(c)
			}
		}
	}
	walk(err)
	return out
}

// writeProblem sends p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if r != nil && p.Instance == "" {
		p.Instance = r.URL.Path
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		b = []byte(`{"type":"` + string(ProblemInternal) + `","status":500}`)
	}
	h := w.Header()
	h.Set("Content-Type", ContentTypeProblem)
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(b, '\n'))
}
