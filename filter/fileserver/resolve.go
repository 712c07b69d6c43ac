package fileserver

import (
	"os"
	"strings"

	"github.com/gatewright/gatewright/filter/compression"
)

// cleanPath turns a request path into a clean one starting with "/":
// percent escapes are decoded when decode is set, empty and "." segments
// dropped, and a trailing slash kept. It refuses (ok false) a path that
// does not start with "/", a bad escape, a ".." segment (whether written
// plainly or encoded), a backslash, NUL or another control byte: such a
// request is a traversal attempt or nonsense, answered 400.
func cleanPath(raw string, decode bool) (clean string, ok bool) {
	if raw == "" || raw[0] != '/' {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(raw))
	seg := make([]byte, 0, 64)
	flush := func() bool {
		switch string(seg) {
		case "", ".":
		case "..":
			return false
		default:
			b.WriteByte('/')
			b.Write(seg)
		}
		seg = seg[:0]
		return true
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' && decode {
			if i+2 >= len(raw) || unhex(raw[i+1]) < 0 || unhex(raw[i+2]) < 0 {
				return "", false
			}
			c = byte(unhex(raw[i+1])<<4 | unhex(raw[i+2]))
			i += 2
			if c == '/' {
				// An encoded slash is not a separator anywhere else;
				// refusing it keeps one meaning.
				return "", false
			}
		} else if c == '/' {
			if !flush() {
				return "", false
			}
			continue
		}
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "", false
		}
		seg = append(seg, c)
	}
	if !flush() {
		return "", false
	}
	if b.Len() == 0 {
		return "/", true
	}
	if raw[len(raw)-1] == '/' {
		b.WriteByte('/')
	}
	return b.String(), true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// located is a file found for a request, open for reading.
type located struct {
	rel    string               // the file read, relative to the root
	orig   string               // the file named (rel without a precompressed suffix)
	enc    compression.Encoding // the precompressed coding, or Identity
	file   *os.File
	info   os.FileInfo
	direct bool // found by the first file the request named
}

// outcome says why no file was located.
type outcome int

const (
	found outcome = iota
	badPath
	missing
)

// locate finds the file for the request path raw: rewrite, then the
// tryFiles candidates (or the path itself), each a file or a directory
// holding an index file, never a hidden one; precompressed siblings come
// first for the codings of mask. The caller closes loc.file.
func (f *FileServer) locate(raw string, mask byte) (located, outcome) {
	p, ok := cleanPath(raw, true)
	if !ok {
		return located{}, badPath
	}
	if re := f.cfg.rewrite; re != nil && re.MatchString(p) {
		if p, ok = cleanPath(re.ReplaceAllString(p, f.cfg.rewriteTo), false); !ok {
			return located{}, badPath
		}
	}
	if len(f.cfg.tryFiles) == 0 && f.cfg.tryMiss == nil {
		return f.locateCandidate(p, mask, true)
	}
	for i, t := range f.cfg.tryFiles {
		cand, ok := cleanPath(strings.ReplaceAll(t, "{path}", p), false)
		if !ok {
			continue
		}
		if loc, out := f.locateCandidate(cand, mask, i == 0); out == found {
			return loc, found
		}
	}
	return located{}, missing
}

// locateCandidate looks for the file or directory index named by the
// clean path p.
func (f *FileServer) locateCandidate(p string, mask byte, first bool) (located, outcome) {
	rel := strings.Trim(p, "/")
	if rel == "" {
		rel = "."
	}
	if rel != "." && f.cfg.isHidden(rel) {
		return located{}, missing
	}
	info, err := f.root.Stat(rel)
	if err != nil {
		return located{}, missing
	}
	if !info.IsDir() {
		if strings.HasSuffix(p, "/") {
			return located{}, missing // a file named as a directory
		}
		return f.openFile(rel, mask, first)
	}
	for i, name := range f.cfg.index {
		idx := name
		if rel != "." {
			idx = rel + "/" + name
		}
		if f.cfg.isHidden(idx) {
			continue
		}
		if loc, out := f.openFile(idx, mask, first && i == 0); out == found {
			return loc, found
		}
	}
	return located{}, missing
}

// openFile opens rel, or the first precompressed sibling the client
// accepts; only regular files are served.
func (f *FileServer) openFile(rel string, mask byte, first bool) (located, outcome) {
	for _, enc := range f.cfg.precompressed {
		if mask&encBit(enc) == 0 {
			continue
		}
		sib := rel + suffix(enc)
		if f.cfg.isHidden(sib) {
			continue
		}
		if file, info, ok := f.openRegular(sib); ok {
			return located{rel: sib, orig: rel, enc: enc, file: file, info: info, direct: first}, found
		}
		first = false
	}
	file, info, ok := f.openRegular(rel)
	if !ok {
		return located{}, missing
	}
	return located{rel: rel, orig: rel, file: file, info: info, direct: first}, found
}

// openRegular opens rel through the root (which refuses symbolic links
// leading out of it) and keeps it only if it is a regular file. It stats
// first so that a FIFO or device is never opened.
func (f *FileServer) openRegular(rel string) (*os.File, os.FileInfo, bool) {
	if info, err := f.root.Stat(rel); err != nil || !info.Mode().IsRegular() {
		return nil, nil, false
	}
	file, err := f.root.Open(rel)
	if err != nil {
		return nil, nil, false
	}
	info, err := file.Stat()
	if err != nil || !info.Mode().IsRegular() {
		_ = file.Close()
		return nil, nil, false
	}
	return file, info, true
}

// suffix is the file name suffix of a precompressed coding.
func suffix(enc compression.Encoding) string {
	if enc == compression.Brotli {
		return ".br"
	}
	return ".gz"
}

// encBit is a coding's bit in a variant mask.
func encBit(enc compression.Encoding) byte {
	if enc == compression.Brotli {
		return 2
	}
	return 1
}
