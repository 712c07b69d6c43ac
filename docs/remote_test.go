package docs_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
)

// startRemote starts the examples' RemoteFilter service on loopback and
// returns its address. It decodes the RemoteFilter document and answers:
// 500 when the request has an X-Break header; 205 with a 401 response
// "bad key" unless X-Api-Key is k-123; otherwise 200 with the document,
// the request gaining X-Checked: yes and losing X-Api-Key.
func startRemote(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: timeout, Handler: http.HandlerFunc(remoteService)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// remoteService answers one call of a RemoteFilter (see startRemote).
// It edits the document as generic JSON, so fields it does not know pass
// through unchanged.
func remoteService(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	var doc map[string]map[string]json.RawMessage
	if err == nil {
		err = json.Unmarshal(raw, &doc)
	}
	var header http.Header
	if err == nil {
		err = json.Unmarshal(doc["request"]["header"], &header)
	}
	if err != nil {
		http.Error(w, "not a RemoteFilter document", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case header.Get("X-Break") != "":
		http.Error(w, "broken", http.StatusInternalServerError)
		return
	case header.Get("X-Api-Key") != "k-123":
		doc["response"] = map[string]json.RawMessage{
			"statusCode": json.RawMessage(`401`),
			"header":     json.RawMessage(`{"Content-Type": ["text/plain"]}`),
			"body":       json.RawMessage(`"YmFkIGtleQ=="`), // "bad key"
		}
		w.WriteHeader(http.StatusResetContent)
	default:
		header.Del("X-Api-Key")
		header.Set("X-Checked", "yes")
		doc["request"]["header"], _ = json.Marshal(header)
	}
	_ = json.NewEncoder(w).Encode(doc)
}
