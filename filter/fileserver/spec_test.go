package fileserver

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

const fullSpec = `{"root": "/srv/www", "index": ["index.html"], "hidden": [".git", "/private"],
	"tryFiles": ["{path}", "/index.html", "=404 not here"], "rewrite": "^/old/(.*)$ /new/$1",
	"precompressed": "br gzip", "compress": "gzip",
	"cache": {"bufferPoolSize": 1048576, "bufferPoolMaxFileSize": 65536, "bufferPoolTTL": 30,
		"cacheFileExtensionFilters": [{"extension": ["*.css", "*.js"], "etagMaxAge": 600}]}}`

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), fullSpec).(*Spec)
	if s.Root != "/srv/www" || len(s.TryFiles) != 3 || s.Cache.BufferPoolTTL != 30 ||
		s.Cache.CacheFileExtensionFilters[0].Extension[1] != "*.js" || s.Precompressed != "br gzip" {
		t.Fatalf("decoded %+v", s)
	}
	// Easegress's required form (empty lists present) and gatewright's
	// minimal form (root only) both load.
	for _, fields := range []string{
		`{"root": "/srv/www", "index": [], "hidden": [], "tryFiles": [], "cache": {"cacheFileExtensionFilters": []}}`,
		`{"root": "/srv/www"}`,
	} {
		if _, err := filtertest.Decode(Kind, fields); err != nil {
			t.Errorf("%s: %v", fields, err)
		}
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"no root", `{}`, `required field "root" is missing`},
		{"empty root", `{"root": ""}`, `root`},
		{"unknown field", `{"root": "/r", "indexes": []}`, `unknown field "indexes"`},
		{"docs pattern key", `{"root": "/r", "cache": {"cacheFileExtensionFilters": [{"pattern": ["*.css"]}]}}`, `cache.cacheFileExtensionFilters[0]: unknown field "pattern"`},
		{"index with slash", `{"root": "/r", "index": ["index.html", "a/b.html"]}`, `index[1]: "a/b.html" must be a plain file name`},
		{"index dotdot", `{"root": "/r", "index": [".."]}`, `index[0]`},
		{"bad hidden glob", `{"root": "/r", "hidden": [".git", "[x"]}`, `hidden[1]: "[x" is not a valid glob`},
		{"empty hidden", `{"root": "/r", "hidden": [""]}`, `hidden[0]: must not be empty`},
		{"miss not last", `{"root": "/r", "tryFiles": ["=404", "{path}"]}`, `tryFiles[0]: an =CODE entry must be the last one`},
		{"bad miss code", `{"root": "/r", "tryFiles": ["{path}", "=abc oops"]}`, `tryFiles[1]: "=abc oops"`},
		{"miss code range", `{"root": "/r", "tryFiles": ["=999"]}`, `tryFiles[0]`},
		{"bad rewrite", `{"root": "/r", "rewrite": "( /x"}`, `rewrite: invalid regular expression`},
		{"bad precompressed", `{"root": "/r", "precompressed": "br zstd"}`, `precompressed: "zstd" is not a supported encoding`},
		{"bad compress", `{"root": "/r", "compress": "br"}`, `compress: "br" is not supported`},
		{"negative pool", `{"root": "/r", "cache": {"bufferPoolSize": -1}}`, `cache.bufferPoolSize`},
		{"negative ttl", `{"root": "/r", "cache": {"bufferPoolTTL": -5}}`, `cache.bufferPoolTTL`},
		{"no extension", `{"root": "/r", "cache": {"cacheFileExtensionFilters": [{"etagMaxAge": 5}]}}`, `cache.cacheFileExtensionFilters[0]: required field "extension" is missing`},
		{"empty extension", `{"root": "/r", "cache": {"cacheFileExtensionFilters": [{"extension": []}]}}`, `cache.cacheFileExtensionFilters[0].extension: must list at least one glob`},
		{"bad extension glob", `{"root": "/r", "cache": {"cacheFileExtensionFilters": [{"extension": ["*.css"]}, {"extension": ["[a"]}]}}`, `cache.cacheFileExtensionFilters[1].extension[0]`},
		{"wrong type", `{"root": "/r", "cache": {"bufferPoolTTL": "10m"}}`, `cache.bufferPoolTTL`},
	})
}

func TestInitMissingRoot(t *testing.T) {
	body, err := filtertest.Decode(Kind, `{"root": "/does/not/exist/anywhere"}`)
	if err != nil {
		t.Fatal(err)
	}
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: body, Env: &filter.Env{Logger: slog.New(slog.DiscardHandler)}})
	if err := f.Init(); err == nil || !strings.Contains(err.Error(), "root") {
		t.Fatalf("Init = %v", err)
	}
}

func TestBadBody(t *testing.T) {
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Body: &struct{}{}})
	if f.Init() == nil || f.Inherit(f) == nil || f.(*FileServer).Validate() == nil {
		t.Fatal("a foreign spec body must fail Validate, Init and Inherit")
	}
	if st, ok := f.Status().(Stats); !ok || st != (Stats{}) {
		t.Fatalf("status %#v", f.Status())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
