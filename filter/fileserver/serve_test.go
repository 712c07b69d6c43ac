package fileserver

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func site(t testing.TB) string {
	return tree(t, map[string]string{
		"index.html":         "<h1>home</h1>",
		"hello.txt":          "hello, world",
		"style.css":          "body{}",
		"docs/index.txt":     "docs index",
		"docs/guide.html":    "guide",
		"empty/readme.md":    "no index here",
		"app.js":             strings.Repeat("console.log('x');\n", 100),
		"app.js.gz":          "GZ-BYTES",
		"app.js.br":          "BR-BYTES",
		"only-gz.css":        "plain css",
		"only-gz.css.gz":     "GZ-CSS",
		".git/config":        "secret",
		"private/keys.txt":   "secret",
		"public/.env":        "secret",
		"notes.bak":          "secret",
		"spa/index.html":     "spa shell",
		"old/page.html":      "old page",
		"new/page.html":      "new page",
		"image.png":          "\x89PNG....",
		"dir.with.dot/a.txt": "a",
	})
}

func TestServeFiles(t *testing.T) {
	s := serve(t, site(t), "")
	for _, tc := range []struct {
		path, body, ctype string
		status            int
	}{
		{"/hello.txt", "hello, world", "text/plain; charset=utf-8", 200},
		{"/", "<h1>home</h1>", "text/html; charset=utf-8", 200},
		{"/index.html", "<h1>home</h1>", "text/html; charset=utf-8", 200},
		{"/style.css", "body{}", "text/css; charset=utf-8", 200},
		{"/docs/", "docs index", "text/plain; charset=utf-8", 200},
		{"/docs", "docs index", "text/plain; charset=utf-8", 200},
		{"/docs/guide.html?x=1", "guide", "text/html; charset=utf-8", 200},
		{"/image.png", "\x89PNG....", "image/png", 200},
		{"/dir.with.dot/a.txt", "a", "text/plain; charset=utf-8", 200},
		{"/empty/", "not found", "", 404},
		{"/nothing.txt", "not found", "", 404},
		{"/hello.txt/", "not found", "", 404},
	} {
		resp := s.get(t, tc.path)
		expect(t, tc.path, resp, tc.status, tc.body)
		if tc.ctype != "" && string(resp.Header.ContentType()) != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, resp.Header.ContentType(), tc.ctype)
		}
		if tc.status == 200 && (len(resp.Header.Peek("ETag")) == 0 || len(resp.Header.Peek("Last-Modified")) == 0 ||
			string(resp.Header.Peek("Accept-Ranges")) != "bytes") {
			t.Errorf("%s: validators missing: %s", tc.path, resp.Header.String())
		}
	}
}

func TestIndexNames(t *testing.T) {
	root := site(t)
	s := serve(t, root, `"index": ["guide.html", "index.txt"]`)
	expect(t, "/docs/", s.get(t, "/docs/"), 200, "guide")
	expect(t, "/ (no guide.html)", s.get(t, "/"), 404, "not found")
	// index: [] is the default pair.
	expect(t, "empty index", serve(t, root, `"index": []`).get(t, "/"), 200, "<h1>home</h1>")
}

func TestMethods(t *testing.T) {
	s := serve(t, site(t), "")
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "PATCH"} {
		resp := s.do(t, m, "/hello.txt")
		expect(t, m, resp, 405, "-")
		if string(resp.Header.Peek("Allow")) != "GET, HEAD" {
			t.Errorf("%s: Allow %q", m, resp.Header.Peek("Allow"))
		}
	}
	head := s.do(t, "HEAD", "/hello.txt")
	if head.StatusCode() != 200 || len(head.Body()) != 0 || head.Header.ContentLength() != len("hello, world") {
		t.Fatalf("HEAD: %d len %d body %q", head.StatusCode(), head.Header.ContentLength(), head.Body())
	}
	// Twice: the second answer comes from the cache.
	head = s.do(t, "HEAD", "/hello.txt")
	if head.StatusCode() != 200 || head.Header.ContentLength() != len("hello, world") {
		t.Fatalf("cached HEAD: %d len %d", head.StatusCode(), head.Header.ContentLength())
	}
}

func TestConditional(t *testing.T) {
	s := serve(t, site(t), "")
	first := s.get(t, "/hello.txt")
	etag, lastMod := string(first.Header.Peek("ETag")), string(first.Header.Peek("Last-Modified"))
	for _, tc := range []struct {
		name   string
		header []string
		status int
	}{
		{"etag", []string{"If-None-Match: " + etag}, 304},
		{"weak etag in list", []string{`If-None-Match: "nope", W/` + etag}, 304},
		{"star", []string{"If-None-Match: *"}, 304},
		{"other etag", []string{`If-None-Match: "nope"`}, 200},
		{"etag wins over date", []string{`If-None-Match: "nope"`, "If-Modified-Since: " + lastMod}, 200},
		{"same date", []string{"If-Modified-Since: " + lastMod}, 304},
		{"later date", []string{"If-Modified-Since: " + time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, 304},
		{"earlier date", []string{"If-Modified-Since: Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
		{"bad date", []string{"If-Modified-Since: yesterday"}, 200},
	} {
		resp := s.get(t, "/hello.txt", tc.header...)
		if resp.StatusCode() != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode(), tc.status)
		}
		if tc.status == 304 && (len(resp.Body()) != 0 || string(resp.Header.Peek("ETag")) != etag) {
			t.Errorf("%s: 304 with body %q etag %q", tc.name, resp.Body(), resp.Header.Peek("ETag"))
		}
	}
}

func TestRange(t *testing.T) {
	root := site(t)
	big := bytes.Repeat([]byte("0123456789"), 1000) // 10,000 bytes: streamed with a small maxFileSize
	if err := os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	s := serve(t, root, `"cache": {"bufferPoolMaxFileSize": 100}`)
	for _, path := range []string{"/hello.txt", "/big.bin"} {
		content := "hello, world"
		if path == "/big.bin" {
			content = string(big)
		}
		n := len(content)
		etag := string(s.get(t, path).Header.Peek("ETag"))
		for _, tc := range []struct {
			rng, ifRange string
			status       int
			body, cr     string
		}{
			{"bytes=0-4", "", 206, content[0:5], "bytes 0-4/" + strconv.Itoa(n)},
			{"bytes=7-", "", 206, content[7:], "bytes 7-" + strconv.Itoa(n-1) + "/" + strconv.Itoa(n)},
			{"bytes=-5", "", 206, content[n-5:], "bytes " + strconv.Itoa(n-5) + "-" + strconv.Itoa(n-1) + "/" + strconv.Itoa(n)},
			{"bytes=0-4,6-7", "", 200, content, ""},
			{"bytes=0-4", `"stale"`, 200, content, ""},
			{"bytes=0-4", etag, 206, content[0:5], "bytes 0-4/" + strconv.Itoa(n)},
			{"bytes=" + strconv.Itoa(n+10) + "-", "", 416, "range not satisfiable", "bytes */" + strconv.Itoa(n)},
			{"items=0-1", "", 416, "range not satisfiable", "bytes */" + strconv.Itoa(n)},
		} {
			h := []string{"Range: " + tc.rng}
			if tc.ifRange != "" {
				h = append(h, "If-Range: "+tc.ifRange)
			}
			resp := s.get(t, path, h...)
			expect(t, path+" "+tc.rng, resp, tc.status, tc.body)
			if got := string(resp.Header.Peek("Content-Range")); got != tc.cr {
				t.Errorf("%s %s: Content-Range %q, want %q", path, tc.rng, got, tc.cr)
			}
		}
	}
}

func TestLargeFileStreamed(t *testing.T) {
	root := site(t)
	big := bytes.Repeat([]byte("abcdefgh"), 256<<10) // 2 MiB
	if err := os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	s := serve(t, root, `"cache": {"bufferPoolMaxFileSize": 1024}`)
	resp := s.get(t, "/big.bin")
	if resp.StatusCode() != 200 || !bytes.Equal(resp.Body(), big) {
		t.Fatalf("status %d, %d bytes", resp.StatusCode(), len(resp.Body()))
	}
	if st := s.f.Status().(Stats); st.Entries != 0 || st.Bytes != 0 {
		t.Fatalf("a large file was cached: %+v", st)
	}
	head := s.do(t, "HEAD", "/big.bin")
	if head.Header.ContentLength() != len(big) || len(head.Body()) != 0 {
		t.Fatalf("HEAD: length %d", head.Header.ContentLength())
	}
	if r := s.get(t, "/big.bin", "If-None-Match: "+string(resp.Header.Peek("ETag"))); r.StatusCode() != 304 {
		t.Fatalf("streamed 304: %d", r.StatusCode())
	}
}

func TestHidden(t *testing.T) {
	s := serve(t, site(t), `"hidden": [".git", "*.bak", "/private", "/public/.e*"], "tryFiles": ["{path}", "/.git/config", "/index.html"]`)
	for _, path := range []string{"/.git/config", "/.git/", "/notes.bak", "/private/keys.txt", "/private/", "/public/.env"} {
		resp := s.get(t, path)
		// Hidden files are never served: not directly, and not through
		// tryFiles (the hidden candidate is skipped, /index.html answers).
		if bytes.Contains(resp.Body(), []byte("secret")) {
			t.Errorf("%s leaked: %d %q", path, resp.StatusCode(), resp.Body())
		}
		expect(t, path, resp, 200, "<h1>home</h1>")
	}
	direct := serve(t, site(t), `"hidden": [".git", "*.bak", "/private"]`)
	for _, path := range []string{"/.git/config", "/notes.bak", "/private/keys.txt"} {
		expect(t, path, direct.get(t, path), 404, "not found")
	}
	expect(t, "visible", direct.get(t, "/hello.txt"), 200, "hello, world")
	// A rewrite cannot reach a hidden file either.
	rw := serve(t, site(t), `"hidden": [".git"], "rewrite": "^/cfg$ /.git/config"`)
	expect(t, "rewrite to hidden", rw.get(t, "/cfg"), 404, "not found")
}

func TestTryFiles(t *testing.T) {
	root := site(t)
	s := serve(t, root, `"tryFiles": ["{path}", "{path}.html", "/spa/index.html"]`)
	expect(t, "exists", s.get(t, "/hello.txt"), 200, "hello, world")
	expect(t, "with .html", s.get(t, "/docs/guide"), 200, "guide")
	expect(t, "fallback", s.get(t, "/app/route/42"), 200, "spa shell")

	miss := serve(t, root, `"tryFiles": ["{path}", "=404 nothing here"]`)
	resp := miss.get(t, "/missing")
	expect(t, "=404", resp, 404, "nothing here")
	expect(t, "=404 hit", miss.get(t, "/hello.txt"), 200, "hello, world")
	codeOnly := serve(t, root, `"tryFiles": ["{path}", "=410"]`)
	expect(t, "=410", codeOnly.get(t, "/missing"), 410, "410")

	// A file created after a fallback was cached is found again.
	if r := s.get(t, "/late.txt"); string(r.Body()) != "spa shell" {
		t.Fatalf("before: %q", r.Body())
	}
	s.f.cache.revalidate = 0
	if err := os.WriteFile(filepath.Join(root, "late.txt"), []byte("late"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect(t, "created later", s.get(t, "/late.txt"), 200, "late")
}

func TestRewrite(t *testing.T) {
	s := serve(t, site(t), `"rewrite": "^/legacy/(.*)$ /new/$1"`)
	expect(t, "rewritten", s.get(t, "/legacy/page.html"), 200, "new page")
	expect(t, "untouched", s.get(t, "/old/page.html"), 200, "old page")
	// The rewrite runs before tryFiles.
	both := serve(t, site(t), `"rewrite": "^/v2/(.*)$ /new/$1", "tryFiles": ["{path}", "/old/page.html"]`)
	expect(t, "rewrite then try", both.get(t, "/v2/page.html"), 200, "new page")
	expect(t, "rewrite then fallback", both.get(t, "/v2/nope"), 200, "old page")
}

func TestPrecompressed(t *testing.T) {
	s := serve(t, site(t), `"precompressed": "br gzip"`)
	for _, tc := range []struct {
		accept, body, enc string
	}{
		{"gzip, br", "BR-BYTES", "br"},
		{"gzip", "GZ-BYTES", "gzip"},
		{"br;q=0, gzip", "GZ-BYTES", "gzip"},
		{"", strings.Repeat("console.log('x');\n", 100), ""},
		{"deflate", strings.Repeat("console.log('x');\n", 100), ""},
	} {
		var h []string
		if tc.accept != "" {
			h = append(h, "Accept-Encoding: "+tc.accept)
		}
		for range 2 { // the second reply comes from the cache
			resp := s.get(t, "/app.js", h...)
			expect(t, "accept "+tc.accept, resp, 200, tc.body)
			if string(resp.Header.Peek("Content-Encoding")) != tc.enc || string(resp.Header.Peek("Vary")) != "Accept-Encoding" ||
				string(resp.Header.ContentType()) != "text/javascript; charset=utf-8" {
				t.Errorf("accept %q: headers %s", tc.accept, resp.Header.String())
			}
		}
	}
	// Only a .gz sibling: a br-only client gets the plain file.
	expect(t, "no br sibling", s.get(t, "/only-gz.css", "Accept-Encoding: br"), 200, "plain css")
	expect(t, "gz sibling", s.get(t, "/only-gz.css", "Accept-Encoding: br, gzip"), 200, "GZ-CSS")
}

func TestCompress(t *testing.T) {
	root := site(t)
	big := bytes.Repeat([]byte("var a = 1;\n"), 20000) // 220,000 bytes, streamed
	if err := os.WriteFile(filepath.Join(root, "big.js"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	s := serve(t, root, `"compress": "gzip", "cache": {"bufferPoolMaxFileSize": 65536}`)
	plain := strings.Repeat("console.log('x');\n", 100)
	for _, path := range []string{"/app.js", "/app.js", "/big.js"} {
		want := plain
		if path == "/big.js" {
			want = string(big)
		}
		resp := s.get(t, path, "Accept-Encoding: gzip")
		if resp.StatusCode() != 200 || string(resp.Header.Peek("Content-Encoding")) != "gzip" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode(), resp.Header.String())
		}
		zr, err := gzip.NewReader(bytes.NewReader(resp.Body()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || string(got) != want {
			t.Fatalf("%s: gunzip %v, %d bytes", path, err, len(got))
		}
	}
	expect(t, "no gzip accepted", s.get(t, "/app.js"), 200, plain)
	// Images are not compressed.
	if resp := s.get(t, "/image.png", "Accept-Encoding: gzip"); len(resp.Header.Peek("Content-Encoding")) != 0 {
		t.Fatalf("png compressed: %s", resp.Header.String())
	}
}

func TestCacheControl(t *testing.T) {
	s := serve(t, site(t), `"cache": {"cacheFileExtensionFilters": [{"extension": ["*.css", "*.js"], "etagMaxAge": 60}, {"extension": ["/docs/*.html"]}]}`)
	for path, want := range map[string]string{
		"/style.css": "public, max-age=60", "/app.js": "public, max-age=60",
		"/docs/guide.html": "public, max-age=3600", "/index.html": "", "/hello.txt": "",
	} {
		if got := string(s.get(t, path).Header.Peek("Cache-Control")); got != want {
			t.Errorf("%s: Cache-Control %q, want %q", path, got, want)
		}
	}
}

func TestCacheInvalidation(t *testing.T) {
	root := site(t)
	s := serve(t, root, "")
	s.f.cache.revalidate = 0 // check the disk on every hit
	p := filepath.Join(root, "hello.txt")
	first := s.get(t, "/hello.txt")
	expect(t, "first", first, 200, "hello, world")
	expect(t, "cached", s.get(t, "/hello.txt"), 200, "hello, world")
	if st := s.f.Status().(Stats); st.Hits != 1 || st.Misses != 1 || st.Entries != 1 {
		t.Fatalf("stats %+v", st)
	}
	// Same size, new mtime.
	if err := os.WriteFile(p, []byte("HELLO, WORLD"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	second := s.get(t, "/hello.txt")
	expect(t, "changed", second, 200, "HELLO, WORLD")
	if string(second.Header.Peek("ETag")) == string(first.Header.Peek("ETag")) {
		t.Fatal("the ETag did not change")
	}
	// New size.
	if err := os.WriteFile(p, []byte("bye"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect(t, "resized", s.get(t, "/hello.txt"), 200, "bye")
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	expect(t, "removed", s.get(t, "/hello.txt"), 404, "not found")
}

func TestCacheBounds(t *testing.T) {
	root := tree(t, map[string]string{"a.txt": strings.Repeat("a", 400), "b.txt": strings.Repeat("b", 400),
		"c.txt": strings.Repeat("c", 400), "big.txt": strings.Repeat("x", 2000)})
	s := serve(t, root, `"cache": {"bufferPoolSize": 1000, "bufferPoolMaxFileSize": 1000, "bufferPoolTTL": 1}`)
	for _, p := range []string{"/a.txt", "/b.txt", "/c.txt", "/big.txt"} {
		expect(t, p, s.get(t, p), 200, "-")
	}
	st := s.f.Status().(Stats)
	if st.Bytes > 1000 || st.Entries != 2 {
		t.Fatalf("bounds not kept: %+v", st)
	}
	if _, ok := s.f.cache.m["\x00/a.txt"]; ok {
		t.Fatal("the least recently used entry was kept")
	}
	// Entries expire after the TTL.
	e := s.f.cache.m["\x00/c.txt"]
	if got := s.f.cache.get([]byte("\x00/c.txt"), e.expires); got != nil {
		t.Fatal("an expired entry was returned")
	}
}
