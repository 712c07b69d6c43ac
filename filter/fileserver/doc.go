// Package fileserver provides the FileServer filter: it serves static
// files from a directory.
//
//	{name: static, kind: FileServer, root: /srv/www, hidden: [.git], tryFiles: ["{path}", "/index.html"]}
//
// # Finding the file
//
// The request path (as sent, before any decoding) is percent-decoded and
// cleaned; a path holding a ".." segment (plain or encoded), an encoded
// slash, a backslash, NUL or another control byte is refused with 400
// (clientError). rewrite ("REGEX REPLACEMENT") then rewrites the clean
// path. With tryFiles the candidates are tried in order ("{path}" is the
// path), otherwise the path itself; a last "=CODE message" entry is the
// reply when none exists. A candidate naming a directory tries the index
// names in it (index.html, index.txt by default); a directory without an
// index file is 404: there are no listings. Only regular files are
// served.
//
// Files are opened through an os.Root of the root directory: a symbolic
// link is followed only while it stays inside the root, and one leading
// out of it is answered 404 like a missing file.
//
// hidden globs are answered 404 and are never served by any route: a
// glob without "/" is matched against every component of the file's
// root-relative path (".git" hides "/.git/config" and "/a/.git"), a glob
// with "/" is matched against the "/"-prefixed root-relative path and the
// absolute path, as a directory prefix or as a whole-path glob. The path
// checked is the resolved file's (after rewrite, tryFiles and index), so
// neither can reach a hidden file; a hidden candidate counts as missing.
// Names are checked as written: a symbolic link with a visible name
// pointing to a hidden file inside the root is followed.
//
// # Replies
//
// GET and HEAD only (405 with Allow otherwise). A reply carries
// Content-Type (by extension), ETag (from mtime and size), Last-Modified,
// Accept-Ranges and, for files matching cache.cacheFileExtensionFilters,
// Cache-Control: public, max-age=etagMaxAge. If-None-Match (weak
// comparison) and otherwise If-Modified-Since answer 304. One byte range
// answers 206 (If-Range honoured), an unsatisfiable one 416; several
// ranges get the whole file.
//
// With precompressed ("br gzip"), a client accepting a coding gets the
// sibling f.br or f.gz, in the listed order, with Content-Encoding. With
// compress: gzip, a text-like file (the Compression filter's default
// media types) is gzipped for a client accepting gzip; a cached file is
// compressed once, a streamed one on the fly (without ranges). Either
// option adds Vary: Accept-Encoding.
//
// # Cache
//
// Files up to cache.bufferPoolMaxFileSize (10 MiB) are read whole into
// an in-memory cache bounded by cache.bufferPoolSize (2 GiB), least
// recently used first out; entries live cache.bufferPoolTTL seconds
// (600). Larger files are streamed from disk. An entry is checked
// against its file at most once per Revalidate: a changed size or mtime
// drops it. An entry reached through a fallback (a later tryFiles
// candidate or index name, or a missing precompressed sibling) is
// resolved again at that point instead. A cache hit allocates nothing.
//
// # Results
//
// "" when a file (200, 206, 304) was served; notFound (404 or the
// tryFiles reply), clientError (400, 405, 416), serverError (a read
// failed, 500) and internalError (500).
package fileserver
