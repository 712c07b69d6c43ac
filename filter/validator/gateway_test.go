package validator_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/filter/proxy"
	"github.com/gatewright/gatewright/filter/validator"
	"github.com/gatewright/gatewright/pipeline"
	"golang.org/x/crypto/bcrypt"
)

// startUpstream runs a real upstream that answers with the X-Auth-User
// header it received.
func startUpstream(t *testing.T) string {
	t.Helper()
	return filtertest.Upstream(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user=%s", r.Header.Get(validator.HeaderAuthUser))
	})
}

func hash(t *testing.T, password string) string {
	t.Helper()
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGatewayBasicAuthFromStore runs a real gateway whose Validator reads
// its users from the store (ETCD mode), and changes the users in the
// store while it serves.
func TestGatewayBasicAuthFromStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	g := filtertest.StartGateway(ctx, t, []*filter.Kind{validator.Kind, proxy.Kind})

	put := func(key, value string) {
		t.Helper()
		if _, err := g.Store().Put(ctx, "data/"+key, []byte(value)); err != nil {
			t.Fatal(err)
		}
	}
	// Easegress's item shapes: key and password; username wins over key.
	put("users/alice", "key: alice\npassword: "+hash(t, "wonderland")+"\n")
	put("users/b", `{"key": "b", "username": "bob", "password": "$apr1$3xDaJcmA$K7LQWkqdp8/XYbfwCfcXy0"}`)
	put("users/broken", "password: plain\n")
	put("other/mallory", "key: mallory\npassword: "+hash(t, "x")+"\n")

	port := filtertest.FreePort(t)
	docs := fmt.Sprintf(`
kind: HTTPServer
name: edge
port: %d
address: 127.0.0.1
rules: [{paths: [{pathPrefix: /, backend: api}]}]
---
kind: Pipeline
name: api
flow: [{filter: auth, jumpIf: {invalid: END}}, {filter: up}]
filters:
- {name: auth, kind: Validator, basicAuth: {mode: ETCD, etcdPrefix: /users, refreshInterval: 200ms}}
- {name: up, kind: Proxy, pools: [{servers: [{url: %q}]}]}
`, port, startUpstream(t))
	if _, err := g.Apply(ctx, []byte(docs)); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	try := func(user, password string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/x", port), nil)
		if user != "" {
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			if ctx.Err() != nil {
				t.Fatalf("timed out waiting until %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	eventually("the pipeline serves", func() bool { code, _ := try("alice", "wonderland"); return code != 503 && code != 404 })

	for _, tc := range []struct {
		user, password string
		code           int
		body           string
	}{
		{"alice", "wonderland", 200, "user=alice"},
		{"bob", "s3cret!", 200, "user=bob"},
		{"alice", "wrong", 401, ""},
		{"b", "s3cret!", 401, ""},    // the name is the username
		{"mallory", "x", 401, ""},    // outside the prefix
		{"broken", "plain", 401, ""}, // plain text refused
		{"", "", 401, ""},            // no credentials
	} {
		if code, body := try(tc.user, tc.password); code != tc.code || (tc.body != "" && body != tc.body) {
			t.Errorf("%s/%s: %d %q, want %d %q", tc.user, tc.password, code, body, tc.code, tc.body)
		}
	}

	// Changes in the store reach the running filter.
	put("users/carol", "key: carol\npassword: "+hash(t, "new")+"\n")
	eventually("a new user can log in", func() bool { code, _ := try("carol", "new"); return code == 200 })
	put("users/alice", "key: alice\npassword: "+hash(t, "changed")+"\n")
	eventually("alice's new password works", func() bool { code, _ := try("alice", "changed"); return code == 200 })
	if code, _ := try("alice", "wonderland"); code != 401 {
		t.Fatalf("alice's old password still works: %d", code)
	}
	if _, err := g.Store().Delete(ctx, "data/users/b"); err != nil {
		t.Fatal(err)
	}
	eventually("a deleted user is refused", func() bool { code, _ := try("bob", "s3cret!"); return code == 401 })

	obj, ok := g.Supervisor().Object("api")
	if !ok {
		t.Fatal("pipeline not running")
	}
	f, _ := obj.(*pipeline.Pipeline).Filter("auth")
	st := f.Status().(validator.Status).BasicAuth
	if st.Users != 2 || st.Source != "store:users/" || st.Mode != "ETCD" || st.LastError != "" {
		t.Fatalf("status %+v", st)
	}
	if strings.Contains(fmt.Sprint(st), "$2a$") {
		t.Fatal("the status shows a hash")
	}
}
