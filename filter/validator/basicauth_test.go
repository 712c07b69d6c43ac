package validator

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"golang.org/x/crypto/bcrypt"
)

func basicHeader(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func bcryptOf(t testing.TB, password string) string {
	t.Helper()
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeFile replaces the file's content as editors do: a new file renamed
// over the old one.
func writeFile(t testing.TB, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func basicFileSpec(t testing.TB, file string) string {
	return specJSON(t, map[string]any{"basicAuth": map[string]any{"mode": "FILE", "userFile": file, "refreshInterval": "100ms"}})
}

func TestBasicAuthFileOverServer(t *testing.T) {
	file := filepath.Join(t.TempDir(), "htpasswd")
	writeFile(t, file, "# demo users\n"+
		"alice:$apr1$3xDaJcmA$K7LQWkqdp8/XYbfwCfcXy0\n"+ // s3cret!
		"bob:"+bcryptOf(t, "pa:ss:word")+"\n"+
		"carol:$6$Zq1.x/ab$msmigXm1B7oA3pHOTgrTtNxwH/n3OBmviMDw5.SIWaGeSwiPd5kA6xC2X1HubvjEAydmKHDIfpyU9IApx8sQH/\n"+ // s3cret!
		"dave:plaintext\n")
	f := filtertest.New(t, Kind, basicFileSpec(t, file))
	srv := serve(t, f)
	for _, tc := range []struct {
		name, auth string
		want       int
		user       string
	}{
		{"apr1", basicHeader("alice", "s3cret!"), 200, "alice"},
		{"apr1 again (cached)", basicHeader("alice", "s3cret!"), 200, "alice"},
		{"bcrypt, colons in the password", basicHeader("bob", "pa:ss:word"), 200, "bob"},
		{"sha512-crypt", basicHeader("carol", "s3cret!"), 200, "carol"},
		{"wrong password", basicHeader("alice", "s3cret?"), 401, ""},
		{"wrong password after a good one", basicHeader("alice", "S3cret!"), 401, ""},
		{"plain-text entry refused", basicHeader("dave", "plaintext"), 401, ""},
		{"unknown user", basicHeader("eve", "s3cret!"), 401, ""},
		{"empty user", basicHeader("", "s3cret!"), 401, ""},
		{"no colon", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice")), 401, ""},
		{"not base64", "Basic !!!", 401, ""},
		{"bearer", "Bearer abc", 401, ""},
		{"lower-case scheme", "basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret!")), 200, "alice"},
	} {
		resp := send(t, srv, "GET", "/", nil, "Authorization", tc.auth, HeaderAuthUser, "spoofed")
		if resp.StatusCode() != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode(), tc.want)
			continue
		}
		if tc.want == 200 && string(resp.Header.Peek("X-Seen-"+HeaderAuthUser)) != tc.user {
			t.Errorf("%s: %s reached the upstream as %q, want %q", tc.name, HeaderAuthUser, resp.Header.Peek("X-Seen-"+HeaderAuthUser), tc.user)
		}
		if tc.want == 401 && !strings.HasPrefix(string(resp.Header.Peek("WWW-Authenticate")), "Basic realm=") {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, resp.Header.Peek("WWW-Authenticate"))
		}
	}
	if st := send(t, srv, "GET", "/", nil).StatusCode(); st != 401 {
		t.Errorf("no credentials: status %d", st)
	}
	st := f.Status().(Status).BasicAuth
	if st == nil || st.Users != 3 || st.Mode != "FILE" || st.Source != file || st.LastError != "" || st.Loaded == "" {
		t.Errorf("status %+v", st)
	}
}

func TestBasicAuthFileReload(t *testing.T) {
	file := filepath.Join(t.TempDir(), "htpasswd")
	writeFile(t, file, "alice:"+bcryptOf(t, "one")+"\n")
	f := filtertest.New(t, Kind, basicFileSpec(t, file))
	ok := func(user, pw string) bool {
		r, _, _ := run(t, f, "/", "Authorization", basicHeader(user, pw))
		return r == ""
	}
	if !ok("alice", "one") {
		t.Fatal("alice refused")
	}
	// A new password for alice and a new user.
	writeFile(t, file, "alice:"+bcryptOf(t, "two")+"\nbob:{SHA}YWXIkDPDfrJ6I4yV+0kqTJdT5SE=\n")
	eventually(t, "the file is read again", func() bool { return ok("bob", "s3cret!") })
	if ok("alice", "one") || !ok("alice", "two") {
		t.Fatal("alice's password did not change with the file")
	}
	// A file that disappears keeps the last users.
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the read error is seen", func() bool { return f.Status().(Status).BasicAuth.LastError != "" })
	if !ok("alice", "two") || !ok("bob", "s3cret!") {
		t.Fatal("users lost while the file is missing")
	}
	// Back again, without bob.
	writeFile(t, file, "alice:"+bcryptOf(t, "two")+"\n")
	eventually(t, "bob is removed", func() bool { return !ok("bob", "s3cret!") })
	if f.Status().(Status).BasicAuth.LastError != "" {
		t.Error("the error stays after a good read")
	}
}

func TestBasicAuthStartErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	body, err := filtertest.Decode(Kind, basicFileSpec(t, missing))
	if err != nil {
		t.Fatal(err)
	}
	f := Kind.New(&filter.Spec{Name: "v", Kind: Kind, Body: body})
	if err := f.Init(); err == nil || !strings.Contains(err.Error(), "basicAuth.userFile") || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing file: %v", err)
	}
	body, err = filtertest.Decode(Kind, `{"basicAuth": {"mode": "ETCD"}}`)
	if err != nil {
		t.Fatal(err)
	}
	f = Kind.New(&filter.Spec{Name: "v", Kind: Kind, Body: body, Env: &filter.Env{}})
	if err := f.Init(); err == nil || !strings.Contains(err.Error(), "runs without one") {
		t.Fatalf("store mode without a store: %v", err)
	}
}

func TestBasicAuthCacheFollowsTable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "htpasswd")
	writeFile(t, file, "alice:"+bcryptOf(t, "one")+"\n")
	f := filtertest.New(t, Kind, basicFileSpec(t, file))
	if r, _, _ := run(t, f, "/", "Authorization", basicHeader("alice", "one")); r != "" {
		t.Fatal(r)
	}
	c := f.(*Validator).basicAuth
	u := c.table.Load().users["alice"]
	if u.verified.Load() == nil {
		t.Fatal("a verified password is not remembered")
	}
	if r, _, _ := run(t, f, "/", "Authorization", basicHeader("alice", "two")); r == "" {
		t.Fatal("another password passes after a good one")
	}
	if u.verified.Load() == nil {
		t.Fatal("a wrong password cleared the remembered one")
	}
}
