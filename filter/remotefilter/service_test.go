package remotefilter

import (
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

// testContext is the protocol document as a service written against
// Easegress's documentation decodes it.
type testContext struct {
	Request *struct {
		RealIP   string      `json:"realIP"`
		Method   string      `json:"method"`
		Scheme   string      `json:"scheme"`
		Host     string      `json:"host"`
		Path     string      `json:"path"`
		Query    string      `json:"query"`
		Fragment string      `json:"fragment"`
		Proto    string      `json:"proto"`
		Header   http.Header `json:"header"`
		Body     []byte      `json:"body"`
	} `json:"request"`
	Response *struct {
		StatusCode int         `json:"statusCode"`
		Header     http.Header `json:"header"`
		Body       []byte      `json:"body"`
	} `json:"response"`
}

// service is a remote filter service on 127.0.0.1.
type service struct {
	url   string
	calls atomic.Int64
	// last is the raw body of the last call.
	last atomic.Value
}

// startService runs a service that decodes every call and answers with
// reply(doc, w); reply may write the status and body itself and return
// nil, or return the document to answer 200 with.
func startService(t testing.TB, reply func(doc *testContext, w http.ResponseWriter) *testContext) *service {
	t.Helper()
	s := &service{}
	s.url = filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		raw, _ := io.ReadAll(r.Body)
		s.last.Store(raw)
		var doc testContext
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(raw, &doc) != nil {
			http.Error(w, "bad call", http.StatusBadRequest)
			return
		}
		if out := reply(&doc, w); out != nil {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(out)
		}
	}) + "/hook"
	return s
}

// raw writes body with status, a reply that need not be JSON.
func raw(w http.ResponseWriter, status int, body string) *testContext {
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
	return nil
}

// jsonEncode writes v as JSON.
func jsonEncode(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }
