package fileserver

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestTraversal sends nasty request targets as raw bytes and checks that
// each is refused (400 or 404) and never shows a file outside the root.
func TestTraversal(t *testing.T) {
	outside := t.TempDir()
	secret := "TOP-SECRET-OUTSIDE"
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	root := site(t)
	// A link escaping the root, and one staying inside it.
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "escape.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "escdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("hello.txt", filepath.Join(root, "inside.txt")); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, filepath.Join(outside, "secret.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, root, `"tryFiles": ["{path}", "{path}/index.html", "=404 nope"]`)
	plain := serve(t, root, "")
	for _, target := range []string{
		"/../secret.txt",
		"/" + filepath.ToSlash(rel),
		"/docs/../../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2E/%2e%2E/secret.txt",
		"/docs/%2e%2e/%2e%2e/secret.txt",
		"/..%2fsecret.txt",
		"/%2e%2e%2fsecret.txt",
		"/..%5csecret.txt",
		"/..\\secret.txt",
		"/%5c..%5csecret.txt",
		"/hello.txt%00.png",
		"/%00",
		"/%",
		"/%zz",
		"/escape.txt",
		"/escdir/secret.txt",
		"/escdir/",
		"//etc/passwd",
		"/%2fetc%2fpasswd",
		"/./../secret.txt",
		"/.%2e/secret.txt",
		"/%252e%252e/secret.txt",
		"/docs/..;/..;/secret.txt",
		"/..",
		"/.%00./secret.txt",
	} {
		for name, srv := range map[string]*server{"tryFiles": s, "plain": plain} {
			resp := srv.raw(t, target)
			if code := resp.StatusCode(); code != 400 && code != 404 {
				t.Errorf("%s %q: status %d, want 400 or 404", name, target, code)
			}
			if bytes.Contains(resp.Body(), []byte(secret)) {
				t.Errorf("%s %q leaked the outside file", name, target)
			}
		}
	}
	expect(t, "link inside the root", plain.raw(t, "/inside.txt"), 200, "hello, world")
}

func TestCleanPath(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		ok        bool
	}{
		{"/", "/", true},
		{"/a/b", "/a/b", true},
		{"/a//b/./c/", "/a/b/c/", true},
		{"/a%20b", "/a b", true},
		{"/%7Euser", "/~user", true},
		{"", "", false},
		{"a", "", false},
		{"/a/../b", "", false},
		{"/%2e%2e", "", false},
		{"/a%2fb", "", false},
		{"/a\\b", "", false},
		{"/a%00", "", false},
		{"/a%0a", "", false},
		{"/%", "", false},
		{"/%4", "", false},
	} {
		got, ok := cleanPath(tc.raw, true)
		if got != tc.want || ok != tc.ok {
			t.Errorf("cleanPath(%q) = %q, %v; want %q, %v", tc.raw, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"/", "/a/../b", "/%2e%2e/x", "/a/./b/", "/a%5c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		clean, ok := cleanPath(raw, true)
		if !ok {
			return
		}
		if clean[0] != '/' || bytes.Contains([]byte(clean), []byte("/../")) || bytes.HasSuffix([]byte(clean), []byte("/..")) ||
			bytes.ContainsAny([]byte(clean), "\\\x00") {
			t.Fatalf("cleanPath(%q) = %q", raw, clean)
		}
		if again, ok := cleanPath(clean, false); !ok || again != clean {
			t.Fatalf("not stable: %q → %q → %q", raw, clean, again)
		}
	})
}
