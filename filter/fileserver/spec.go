package fileserver

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/registry"
)

// Defaults of the cache fields, as in Easegress.
const (
	// DefaultBufferPoolSize bounds the bytes the cache holds: 2 GiB.
	DefaultBufferPoolSize = 2 << 30
	// DefaultBufferPoolMaxFileSize is the largest file cached: 10 MiB.
	DefaultBufferPoolMaxFileSize = 10 << 20
	// DefaultBufferPoolTTL is how long a cache entry lives, in seconds.
	DefaultBufferPoolTTL = 600
	// DefaultEtagMaxAge is the max-age of a cacheFileExtensionFilters
	// entry that sets none, in seconds.
	DefaultEtagMaxAge = 3600
)

// DefaultIndex are the index names used when index is empty.
func DefaultIndex() []string { return []string{"index.html", "index.txt"} }

// Spec is the FileServer filter's own fields.
type Spec struct {
	// Root is the directory files are served from.
	Root string `json:"root" jsonschema:"required,minLength=1,description=document root directory"`
	// Index are the names tried in a directory.
	Index []string `json:"index,omitempty" jsonschema:"description=index file names tried in a directory (default index.html\\, index.txt)"`
	// Hidden are globs of paths never served.
	Hidden []string `json:"hidden,omitempty" jsonschema:"description=globs answered 404: without / matched against each path component; with / a prefix or a full-path glob"`
	// TryFiles are the candidates tried in order.
	TryFiles []string `json:"tryFiles,omitempty" jsonschema:"description=candidates tried in order with {path} for the request path; a last =CODE message sets the reply when none exists"`
	// Rewrite is "REGEX REPLACEMENT", applied to the path first.
	Rewrite string `json:"rewrite,omitempty" jsonschema:"description=REGEX REPLACEMENT (one space) applied to the request path first"`
	// Precompressed lists the encodings of sibling files to serve.
	Precompressed string `json:"precompressed,omitempty" jsonschema:"description=space-separated encodings (br gzip) whose sibling files f.br and f.gz are served to clients accepting them"`
	// Compress is the encoding applied on the fly.
	Compress string `json:"compress,omitempty" jsonschema:"description=gzip compresses text-like files on the fly"`
	// Cache configures the in-memory file cache and Cache-Control.
	Cache CacheSpec `json:"cache,omitzero" jsonschema:"description=in-memory cache of small files and Cache-Control max-age by file name"`
}

// CacheSpec configures the in-memory cache.
type CacheSpec struct {
	// BufferPoolSize bounds the bytes held, 0 for the default.
	BufferPoolSize int64 `json:"bufferPoolSize,omitempty" jsonschema:"minimum=0,description=bytes the cache may hold (default 2 GiB)"`
	// BufferPoolMaxFileSize is the largest file cached, 0 for the default.
	BufferPoolMaxFileSize int64 `json:"bufferPoolMaxFileSize,omitempty" jsonschema:"minimum=0,description=largest file cached in bytes (default 10 MiB); larger files are streamed"`
	// BufferPoolTTL is an entry's lifetime in seconds, 0 for the default.
	BufferPoolTTL int `json:"bufferPoolTTL,omitempty" jsonschema:"minimum=0,description=seconds a cache entry lives (default 600)"`
	// CacheFileExtensionFilters set Cache-Control max-age by file name.
	CacheFileExtensionFilters []ExtensionFilter `json:"cacheFileExtensionFilters,omitempty" jsonschema:"description=files whose name matches a glob get Cache-Control: public\\, max-age=etagMaxAge"`
}

// ExtensionFilter gives the files matching its globs a max-age.
type ExtensionFilter struct {
	// Extension are globs of file names (or of root-relative paths when
	// they hold a /).
	Extension []string `json:"extension" jsonschema:"required,description=globs of file names such as *.css; a glob holding / matches the path from the root"`
	// EtagMaxAge is the max-age in seconds, 0 for 3600.
	EtagMaxAge int `json:"etagMaxAge,omitempty" jsonschema:"minimum=0,description=Cache-Control max-age in seconds (default 3600)"`
}

// newSpec returns an empty spec: defaults are applied when compiling, so
// that a round trip keeps what the user wrote.
func newSpec() any { return &Spec{} }

// Validate checks what the schema cannot, naming the fields.
func (s *Spec) Validate() error {
	_, err := compile(s)
	return err
}

// tryMiss is a tryFiles "=CODE message" entry.
type tryMiss struct {
	code int
	body []byte
}

// parseTryMiss parses "=CODE message"; the message defaults to the code.
func parseTryMiss(t string) (tryMiss, error) {
	code, msg, _ := strings.Cut(strings.TrimSpace(t[1:]), " ")
	n, err := strconv.Atoi(code)
	if err != nil || n < 100 || n > 599 {
		return tryMiss{}, registry.FieldError{Reason: strconv.Quote(t) + ": want =CODE [message] with a status code 100-599"}
	}
	if msg = strings.TrimSpace(msg); msg == "" {
		msg = code
	}
	return tryMiss{code: n, body: []byte(msg)}, nil
}

// parseRewrite parses "REGEX REPLACEMENT".
func parseRewrite(s string) (*regexp.Regexp, string, error) {
	expr, repl, _ := strings.Cut(s, " ")
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, "", registry.FieldError{Path: "rewrite", Reason: "invalid regular expression: " + err.Error()}
	}
	return re, repl, nil
}

// checkGlob reports a malformed glob.
func checkGlob(field, g string) error {
	if g == "" {
		return registry.FieldError{Path: field, Reason: "must not be empty"}
	}
	if _, err := path.Match(g, ""); err != nil {
		return registry.FieldError{Path: field, Reason: strconv.Quote(g) + " is not a valid glob"}
	}
	return nil
}
