package admin_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/goccy/go-yaml"
)

func decodeResult(t *testing.T, r response) admin.WriteResult {
	t.Helper()
	var res admin.WriteResult
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatalf("write result %q: %v", r.body, err)
	}
	if got := r.hdr.Get(admin.HeaderConfigVersion); got != strconv.FormatUint(res.Revision, 10) {
		t.Fatalf("%s %s, body revision %d", admin.HeaderConfigVersion, got, res.Revision)
	}
	return res
}

func TestWritesReportActionsAndRevisions(t *testing.T) {
	n := startNode(t)
	url := n.base + admin.Prefix + "/objects"
	two := fmt.Sprintf(mockPipeline, "a") + "---\n" + fmt.Sprintf(mockPipeline, "b")
	r := do(t, "POST", url, two)
	if r.code != 201 {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	res := decodeResult(t, r)
	if len(res.Objects) != 2 || res.Objects[0].Action != admin.ActionCreated || res.Objects[1].Name != "b" {
		t.Fatalf("create result %+v", res)
	}
	created := res.Revision
	// Apply: one changed, one unchanged, one new; one revision for all.
	apply := fmt.Sprintf(mockPipeline, "a") + "labels: {v: '2'}\n---\n" + fmt.Sprintf(mockPipeline, "b") + "---\n" + fmt.Sprintf(mockPipeline, "c")
	res = decodeResult(t, do(t, "PUT", url, apply))
	want := []string{admin.ActionConfigured, admin.ActionUnchanged, admin.ActionCreated}
	for i, o := range res.Objects {
		if o.Action != want[i] {
			t.Fatalf("apply result %+v, want actions %v", res, want)
		}
	}
	if res.Revision <= created {
		t.Fatalf("apply revision %d after %d", res.Revision, created)
	}
	// GET carries the store revision and the object's own as ETag.
	g := do(t, "GET", url+"/b", "")
	if g.hdr.Get("ETag") != strconv.Quote(strconv.FormatUint(created, 10)) || g.hdr.Get(admin.HeaderConfigVersion) != strconv.FormatUint(res.Revision, 10) {
		t.Fatalf("GET b: ETag %s, version %s (created %d, now %d)", g.hdr.Get("ETag"), g.hdr.Get(admin.HeaderConfigVersion), created, res.Revision)
	}
	// An edit based on the revision read before a concurrent change is
	// refused, naming the object and both revisions; one based on the
	// current revision passes.
	stale := do(t, "PUT", url+"/a", fmt.Sprintf(mockPipeline, "a")+"labels: {v: '3'}\n", "If-Match", strconv.FormatUint(created, 10))
	var p admin.Problem
	_ = json.Unmarshal([]byte(stale.body), &p)
	if stale.code != 409 || p.Type != admin.ProblemStaleRevision || !strings.Contains(p.Detail, `Pipeline "a" changed at revision `+strconv.FormatUint(res.Revision, 10)) {
		t.Fatalf("stale update: %d %s", stale.code, stale.body)
	}
	ok := do(t, "PUT", url+"/a", fmt.Sprintf(mockPipeline, "a")+"labels: {v: '3'}\n", "If-Match", strconv.Quote(strconv.FormatUint(res.Revision, 10)))
	if ok.code != 200 || decodeResult(t, ok).Objects[0].Action != admin.ActionConfigured {
		t.Fatalf("fresh update: %d %s", ok.code, ok.body)
	}
	// The kind of an object cannot change through an update.
	kind := do(t, "PUT", url+"/c", "kind: HTTPServer\nname: c\nport: 1\n")
	if kind.code != 400 || !strings.Contains(kind.body, "the kind cannot change from Pipeline to HTTPServer") {
		t.Fatalf("kind change: %d %s", kind.code, kind.body)
	}
	// Delete with a stale revision is refused; without, it deletes.
	if r := do(t, "DELETE", url+"/c", "", "If-Match", strconv.FormatUint(created, 10)); r.code != 409 {
		t.Fatalf("stale delete: %d %s", r.code, r.body)
	}
	del := decodeResult(t, do(t, "DELETE", url+"/c", ""))
	if del.Objects[0].Action != admin.ActionDeleted || del.Objects[0].Kind != "Pipeline" {
		t.Fatalf("delete: %+v", del)
	}
	if _, ok := n.g.Supervisor().Object("c"); ok {
		t.Fatal("the deleted object still runs")
	}
	// The listing holds what is left, YAML on request, ?kind= filtering.
	l := do(t, "GET", url+"?kind=pipeline", "", "Accept", "application/yaml")
	var docs []map[string]any
	if err := yaml.Unmarshal([]byte(l.body), &docs); err != nil || len(docs) != 2 || docs[0]["name"] != "a" || docs[1]["name"] != "b" {
		t.Fatalf("listing: %v %s", err, l.body)
	}
	if !strings.HasPrefix(l.body, "- kind: Pipeline\n  name: a\n") {
		t.Fatalf("documents do not start with kind and name:\n%s", l.body)
	}
	if l := do(t, "GET", url+"?kind=HTTPServer", ""); strings.TrimSpace(l.body) != "[]" {
		t.Fatalf("kind filter: %s", l.body)
	}
}

func TestWriteAllOrNothing(t *testing.T) {
	n := startNode(t)
	url := n.base + admin.Prefix + "/objects"
	mixed := fmt.Sprintf(mockPipeline, "good") + "---\nkind: Pipeline\nname: bad\nfilters: []\n"
	r := do(t, "PUT", url, mixed)
	if r.code != 400 || !strings.Contains(r.body, `Pipeline \"bad\"`) {
		t.Fatalf("mixed apply: %d %s", r.code, r.body)
	}
	if r := do(t, "GET", url+"/good", ""); r.code != 404 {
		t.Fatalf("the valid half was stored: %d", r.code)
	}
	// A create of several fails whole when one exists.
	if r := do(t, "POST", url, fmt.Sprintf(mockPipeline, "x")); r.code != 201 {
		t.Fatal(r.body)
	}
	r = do(t, "POST", url, fmt.Sprintf(mockPipeline, "y")+"---\n"+fmt.Sprintf(mockPipeline, "x"))
	if r.code != 409 || !strings.Contains(r.body, `Pipeline \"x\" already exists`) {
		t.Fatalf("create over existing: %d %s", r.code, r.body)
	}
	if r := do(t, "GET", url+"/y", ""); r.code != 404 {
		t.Fatal("y stored by a refused create")
	}
}

func TestStoredButNotRunningIsReported(t *testing.T) {
	n := startNode(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	doc := fmt.Sprintf("kind: HTTPServer\nname: clash\nport: %d\nrules: [{paths: [{pathPrefix: /, backend: none}]}]\n", port)
	r := do(t, "PUT", n.base+admin.Prefix+"/objects", doc)
	var p admin.Problem
	_ = json.Unmarshal([]byte(r.body), &p)
	if r.code != 422 || p.Type != admin.ProblemNotRunning || p.Revision == 0 || r.hdr.Get(admin.HeaderConfigVersion) == "" {
		t.Fatalf("port clash: %d %s", r.code, r.body)
	}
	st := do(t, "GET", n.base+admin.Prefix+"/status/objects/clash", "")
	if st.code != 200 || !strings.Contains(st.body, "address already in use") {
		t.Fatalf("status of the refused object: %d %s", st.code, st.body)
	}
}

func TestRedactedDocumentRoundTripsAndKeepsSecrets(t *testing.T) {
	n := startNode(t)
	url := n.base + admin.Prefix + "/objects"
	kp := newKeyPair(t)
	port := freePort(t)
	docs, _ := secretObjects(t, port, kp)
	if r := do(t, "PUT", url, docs); r.code != 200 {
		t.Fatalf("apply: %d %s", r.code, r.body)
	}
	stored := func(name string) string {
		kv, err := n.g.Store().Get(context.Background(), cluster.ObjectKey(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(kv.Value)
	}
	before := stored("tls-pipe")
	// get -> edit -> put back: the markers keep the stored secrets.
	for _, name := range []string{"tls-edge", "tls-pipe"} {
		g := do(t, "GET", url+"/"+name, "", "Accept", "application/yaml")
		if !strings.Contains(g.body, "<redacted>") {
			t.Fatalf("%s not redacted:\n%s", name, g.body)
		}
		edited := g.body + "labels: {edited: 'yes'}\n"
		r := do(t, "PUT", url+"/"+name, edited, "Content-Type", "application/yaml", "If-Match", g.hdr.Get(admin.HeaderConfigVersion))
		if r.code != 200 {
			t.Fatalf("put back %s: %d %s", name, r.code, r.body)
		}
	}
	after := stored("tls-pipe")
	if strings.Contains(after, "<redacted>") || !strings.Contains(after, kp.keyB64()) || !strings.Contains(after, "hc-pass-w0rd-secret") || !strings.Contains(after, `"edited":"yes"`) {
		t.Fatalf("stored after round trip:\n%s\nbefore:\n%s", after, before)
	}
	if edge := stored("tls-edge"); strings.Contains(edge, "<redacted>") {
		t.Fatalf("marker stored: %s", edge)
	}
	// The HTTPS server still serves with the kept key.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(kp.certPEM)
	waitUntil(t, "the HTTPS listener", func() bool {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: time.Second}, "tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: pool})
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
	// A marker where nothing is stored is refused, naming the field.
	g := do(t, "GET", url+"/tls-edge", "", "Accept", "application/yaml")
	bad := strings.Replace(g.body, "main: <redacted>", "main: <redacted>\n  spare: <redacted>", 1)
	if bad == g.body {
		t.Fatalf("test document unchanged:\n%s", g.body)
	}
	r := do(t, "PUT", url+"/tls-edge", bad)
	var p admin.Problem
	_ = json.Unmarshal([]byte(r.body), &p)
	if r.code != 400 || p.Object != `HTTPServer "tls-edge"` || len(p.Fields) != 1 || p.Fields[0].Path != "keys.spare" {
		t.Fatalf("marker without stored value: %d %s", r.code, r.body)
	}
	// A new object cannot be created with markers either.
	r = do(t, "POST", url, strings.Replace(g.body, "name: tls-edge", "name: tls-copy", 1))
	if r.code != 400 || !strings.Contains(r.body, "keys.main: holds the redaction marker") {
		t.Fatalf("create with markers: %d %s", r.code, r.body)
	}
}
