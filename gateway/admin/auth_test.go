package admin_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

const (
	goodToken = "tok-Zq81-admin-token"
	userName  = "operator"
	userPass  = "pw-Kx9!-operator"
)

func authNode(t *testing.T) *node {
	return startNode(t, gateway.WithAdmin(gateway.AdminConfig{
		Tokens: []string{goodToken},
		Users:  map[string]string{userName: userPass},
	}))
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestEveryEndpointRefusesMissingOrWrongCredentials(t *testing.T) {
	n := authNode(t)
	calls := append(successCalls("auth"), errorCalls()...)
	wrong := []string{
		"",                                       // none
		"Bearer wrong-token",                     // unknown token
		"Bearer " + goodToken + "x",              // token with a suffix
		"Bearer",                                 // no token
		basic(userName, "wrong"),                 // wrong password
		basic("nobody", userPass),                // unknown user
		"Basic !!notbase64",                      // malformed
		"Digest username=" + userName,            // unsupported scheme
		"bearer " + goodToken[:len(goodToken)-1], // truncated
	}
	for _, c := range calls {
		for _, authz := range wrong {
			headers := []string{"Authorization", authz}
			r := do(t, c.method, n.base+c.path, c.body, headers...)
			if r.code != http.StatusUnauthorized {
				t.Fatalf("%s %s with %q: status %d, want 401: %s", c.method, c.path, authz, r.code, r.body)
			}
			if c.method != "HEAD" && mediaType(t, r.hdr.Get("Content-Type")) != admin.ContentTypeProblem {
				t.Fatalf("%s %s: refusal is %s", c.method, c.path, r.hdr.Get("Content-Type"))
			}
			if !strings.Contains(r.hdr.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("%s %s: no WWW-Authenticate challenge", c.method, c.path)
			}
		}
	}
	// Nothing was written by the refused requests.
	if r := do(t, "GET", n.base+admin.Prefix+"/objects/ct-auth", "", "Authorization", "Bearer "+goodToken); r.code != 404 {
		t.Fatalf("a refused create stored something: %d", r.code)
	}
	// The right credentials pass, both kinds.
	for _, authz := range []string{"Bearer " + goodToken, "bearer " + goodToken, basic(userName, userPass)} {
		r := do(t, "GET", n.base+admin.Prefix+"/healthz", "", "Authorization", authz)
		if r.code != 200 {
			t.Fatalf("with %q: %d %s", authz, r.code, r.body)
		}
	}
	for _, c := range successCalls("ok") {
		headers := append([]string{"Authorization", "Bearer " + goodToken}, c.headers...)
		if r := do(t, c.method, n.base+c.path, c.body, headers...); r.code != c.code {
			t.Fatalf("%s %s with the token: %d, want %d: %s", c.method, c.path, r.code, c.code, r.body)
		}
	}
}

func TestNoResponseCarriesASecret(t *testing.T) {
	n := authNode(t)
	auth := []string{"Authorization", "Bearer " + goodToken}
	kp := newKeyPair(t)
	docs, secrets := secretObjects(t, freePort(t), kp)
	secrets = append(secrets, goodToken, userPass)
	if r := do(t, "PUT", n.base+admin.Prefix+"/objects", docs, auth...); r.code != 200 {
		t.Fatalf("apply: %d %s", r.code, r.body)
	}
	// A document that fails validation and echoes nothing either.
	bad := strings.Replace(docs, "certs: {main:", "certs: {other:", 1)
	calls := append(successCalls("secret"), errorCalls()...)
	calls = append(calls,
		call{method: "GET", path: admin.Prefix + "/objects/tls-edge"},
		call{method: "GET", path: admin.Prefix + "/objects/tls-pipe"},
		call{method: "GET", path: admin.Prefix + "/status/objects/tls-pipe"},
		call{method: "GET", path: admin.Prefix + "/status/objects/tls-edge"},
		call{method: "PUT", path: admin.Prefix + "/objects", body: bad},
		call{method: "POST", path: admin.Prefix + "/objects", body: docs},
	)
	for _, accept := range []string{"application/json", "application/yaml"} {
		for _, c := range calls {
			headers := append(append([]string{"Accept", accept}, auth...), c.headers...)
			r := do(t, c.method, n.base+c.path, c.body, headers...)
			for _, s := range secrets {
				if strings.Contains(r.body, s) {
					t.Fatalf("%s %s (Accept %s) answered %d with a secret (%.12q...):\n%s", c.method, c.path, accept, r.code, s, r.body)
				}
			}
		}
	}
	// The listing shows where the secrets are.
	r := do(t, "GET", n.base+admin.Prefix+"/objects/tls-pipe", "", auth...)
	if !strings.Contains(r.body, `"keyBase64": "<redacted>"`) || !strings.Contains(r.body, `"password": "<redacted>"`) {
		t.Fatalf("secrets not marked: %s", r.body)
	}
}

func TestLoopbackOnlyWithoutCredentials(t *testing.T) {
	// A non-loopback address needs credentials.
	_, err := admin.Listen("0.0.0.0:0", admin.TLS{}, admin.Config{Registry: registry.Default, Backend: fakeBackend{}})
	if err == nil || !strings.Contains(err.Error(), "needs credentials") {
		t.Fatalf("non-loopback listen without credentials: %v", err)
	}
	// A request from elsewhere is refused by the handler itself (no
	// non-loopback client can be made here, so the address is set).
	h, err := admin.New(admin.Config{Registry: registry.Default, Backend: fakeBackend{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, remote := range []string{"203.0.113.9:4000", "[2001:db8::1]:4000", "10.0.0.1:1"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", admin.Prefix+"/healthz", nil)
		req.RemoteAddr = remote
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("remote %s: %d", remote, rec.Code)
		}
		var p admin.Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Type != admin.ProblemForbidden {
			t.Fatalf("remote %s: %s", remote, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", admin.Prefix+"/healthz", nil)
	req.RemoteAddr = "127.0.0.1:5555"
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("loopback: %d %s", rec.Code, rec.Body)
	}
}

// fakeBackend serves the handler-level tests that need no node.
type fakeBackend struct{}

func (fakeBackend) Objects(context.Context) ([]admin.Object, uint64, error) { return nil, 1, nil }
func (fakeBackend) Object(_ context.Context, name string) (admin.Object, uint64, error) {
	return admin.Object{}, 1, admin.Errorf(admin.ErrNotFound, "object %q not found", name)
}
func (fakeBackend) Write(context.Context, []*supervisor.Spec, admin.Condition) (admin.WriteResult, error) {
	return admin.WriteResult{}, errors.New("read-only")
}
func (fakeBackend) Delete(context.Context, string, admin.Condition) (uint64, error) {
	return 0, errors.New("read-only")
}
func (fakeBackend) Status() []supervisor.ObjectStatus { return nil }
func (fakeBackend) Revision() uint64                  { return 1 }
func (fakeBackend) Ready(context.Context) error       { return nil }
