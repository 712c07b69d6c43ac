package fileserver

import (
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gatewright/gatewright/filter/compression"
	"github.com/gatewright/gatewright/registry"
)

// config is a compiled Spec: everything a request needs, checked.
type config struct {
	root          string
	index         []string
	hiddenName    []string // globs matched per path component
	hiddenPath    []string // globs (or prefixes) matched against the whole path
	tryFiles      []string
	tryMiss       *tryMiss
	rewrite       *regexp.Regexp
	rewriteTo     string
	precompressed []compression.Encoding // in the order given
	compress      bool
	maxAge        []maxAgeRule
	poolSize      int64
	maxFileSize   int64
	ttl           time.Duration
}

// maxAgeRule is one glob of cacheFileExtensionFilters with its header.
type maxAgeRule struct {
	glob     string
	fullPath bool   // the glob holds a / and matches the root-relative path
	header   []byte // the Cache-Control value
}

// compile checks s and prepares it, reporting every bad field with its
// path.
func compile(s *Spec) (*config, error) {
	var errs registry.FieldErrors
	add := func(err error, at string) {
		if fe, ok := err.(registry.FieldError); ok {
			if fe.Path == "" {
				fe.Path = at
			}
			errs = append(errs, fe)
			return
		}
		errs = append(errs, registry.FieldError{Path: at, Reason: err.Error()})
	}
	c := &config{root: s.Root, ttl: DefaultBufferPoolTTL * time.Second,
		poolSize: DefaultBufferPoolSize, maxFileSize: DefaultBufferPoolMaxFileSize}
	if strings.TrimSpace(s.Root) == "" {
		errs = append(errs, registry.FieldError{Path: "root", Reason: "must not be empty"})
	}
	c.index = s.Index
	if len(c.index) == 0 {
		c.index = DefaultIndex()
	}
	for i, name := range s.Index {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
			errs = append(errs, registry.FieldError{Path: "index[" + strconv.Itoa(i) + "]", Reason: strconv.Quote(name) + " must be a plain file name"})
		}
	}
	for i, h := range s.Hidden {
		at := "hidden[" + strconv.Itoa(i) + "]"
		if err := checkGlob(at, h); err != nil {
			add(err, at)
			continue
		}
		if strings.Contains(h, "/") {
			c.hiddenPath = append(c.hiddenPath, h)
		} else {
			c.hiddenName = append(c.hiddenName, h)
		}
	}
	for i, t := range s.TryFiles {
		at := "tryFiles[" + strconv.Itoa(i) + "]"
		switch {
		case strings.HasPrefix(t, "="):
			if i != len(s.TryFiles)-1 {
				errs = append(errs, registry.FieldError{Path: at, Reason: "an =CODE entry must be the last one"})
				continue
			}
			m, err := parseTryMiss(t)
			if err != nil {
				add(err, at)
				continue
			}
			c.tryMiss = &m
		case t == "":
			errs = append(errs, registry.FieldError{Path: at, Reason: "must not be empty"})
		default:
			c.tryFiles = append(c.tryFiles, t)
		}
	}
	if s.Rewrite != "" {
		re, to, err := parseRewrite(s.Rewrite)
		if err != nil {
			add(err, "rewrite")
		}
		c.rewrite, c.rewriteTo = re, to
	}
	for tok := range strings.FieldsSeq(s.Precompressed) {
		e, err := compression.ParseEncoding(tok)
		if err != nil {
			add(err, "precompressed")
			continue
		}
		c.precompressed = append(c.precompressed, e)
	}
	switch s.Compress {
	case "":
	case "gzip":
		c.compress = true
	default:
		errs = append(errs, registry.FieldError{Path: "compress", Reason: strconv.Quote(s.Compress) + " is not supported (gzip)"})
	}
	cs := &s.Cache
	if cs.BufferPoolSize < 0 {
		errs = append(errs, registry.FieldError{Path: "cache.bufferPoolSize", Reason: "must not be negative"})
	} else if cs.BufferPoolSize > 0 {
		c.poolSize = cs.BufferPoolSize
	}
	if cs.BufferPoolMaxFileSize < 0 {
		errs = append(errs, registry.FieldError{Path: "cache.bufferPoolMaxFileSize", Reason: "must not be negative"})
	} else if cs.BufferPoolMaxFileSize > 0 {
		c.maxFileSize = cs.BufferPoolMaxFileSize
	}
	if cs.BufferPoolTTL < 0 {
		errs = append(errs, registry.FieldError{Path: "cache.bufferPoolTTL", Reason: "must not be negative"})
	} else if cs.BufferPoolTTL > 0 {
		c.ttl = time.Duration(cs.BufferPoolTTL) * time.Second
	}
	for i, f := range cs.CacheFileExtensionFilters {
		at := "cache.cacheFileExtensionFilters[" + strconv.Itoa(i) + "]"
		age := f.EtagMaxAge
		if age < 0 {
			errs = append(errs, registry.FieldError{Path: at + ".etagMaxAge", Reason: "must not be negative"})
		}
		if age <= 0 {
			age = DefaultEtagMaxAge
		}
		if len(f.Extension) == 0 {
			errs = append(errs, registry.FieldError{Path: at + ".extension", Reason: "must list at least one glob"})
		}
		header := []byte("public, max-age=" + strconv.Itoa(age))
		for j, g := range f.Extension {
			gat := at + ".extension[" + strconv.Itoa(j) + "]"
			if err := checkGlob(gat, g); err != nil {
				add(err, gat)
				continue
			}
			c.maxAge = append(c.maxAge, maxAgeRule{glob: strings.TrimPrefix(g, "/"), fullPath: strings.Contains(g, "/"), header: header})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// isHidden reports whether rel, a clean root-relative path without a
// leading slash, is hidden: a component matches a glob without /, or
// "/"+rel (or the absolute path) has a glob with / as a directory prefix
// or matches it whole.
func (c *config) isHidden(rel string) bool {
	if len(c.hiddenName) > 0 {
		for comp := range strings.SplitSeq(rel, "/") {
			for _, g := range c.hiddenName {
				if ok, _ := path.Match(g, comp); ok {
					return true
				}
			}
		}
	}
	if len(c.hiddenPath) > 0 {
		slashed := "/" + rel
		abs := path.Join(c.root, rel)
		for _, g := range c.hiddenPath {
			if underPrefix(slashed, g) || underPrefix(abs, g) {
				return true
			}
			if ok, _ := path.Match(g, slashed); ok {
				return true
			}
			if ok, _ := path.Match(g, abs); ok {
				return true
			}
		}
	}
	return false
}

// underPrefix reports whether p is prefix or lies below the directory
// prefix.
func underPrefix(p, prefix string) bool {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return true
	}
	rest, ok := strings.CutPrefix(p, prefix)
	return ok && (rest == "" || rest[0] == '/')
}

// cacheControl returns the Cache-Control value for rel, or nil.
func (c *config) cacheControl(rel string) []byte {
	base := path.Base(rel)
	for i := range c.maxAge {
		r := &c.maxAge[i]
		target := base
		if r.fullPath {
			target = rel
		}
		if ok, _ := path.Match(r.glob, target); ok {
			return r.header
		}
	}
	return nil
}
