package validator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"path"
	"sort"
	"strconv"
	"sync/atomic"

	"github.com/goccy/go-yaml"
)

// user is one user of a user table.
type user struct {
	hash passwordHash
	// verified is the HMAC (under the table's key) of the last password
	// that matched the hash. A request with the same password skips the
	// slow hash; a new table, built when the users change, starts empty.
	verified atomic.Pointer[[sha256.Size]byte]
}

// userTable is an immutable set of users; requests read the current one
// through an atomic pointer.
type userTable struct {
	users map[string]*user
	// source is the SHA-256 of what the table was read from, to tell
	// whether a new read changed anything.
	source [sha256.Size]byte
}

// authenticate reports whether name and password are a user's, using
// key for the verified-password cache.
func (t *userTable) authenticate(name, password []byte, key []byte) bool {
	u := t.users[string(name)]
	if u == nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(password)
	var sum [sha256.Size]byte
	mac.Sum(sum[:0])
	if v := u.verified.Load(); v != nil && subtle.ConstantTimeCompare(v[:], sum[:]) == 1 {
		return true
	}
	if !u.hash.matches(password) {
		return false
	}
	u.verified.Store(&sum)
	return true
}

// parseHtpasswd reads "name:hash" lines; empty lines and lines starting
// with # are skipped. Lines that cannot be used are reported, without
// their hash, and left out.
func parseHtpasswd(data []byte) (map[string]*user, []string) {
	users := map[string]*user{}
	var problems []string
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		at := "line " + strconv.Itoa(i+1)
		name, hash, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			problems = append(problems, at+": want name:hash")
			continue
		}
		h, err := parseHash(string(hash))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s (user %q): %v", at, name, err))
			continue
		}
		users[string(name)] = &user{hash: h}
	}
	return users, problems
}

// storedCredentials is one user item of the store, as Easegress keeps
// them: password is the hash; the name is username, else key, else the
// last element of the item's key.
type storedCredentials struct {
	Key      string `yaml:"key"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// parseStoreUsers reads user items (YAML or JSON) keyed by their store
// key. Unusable items are reported and left out.
func parseStoreUsers(items map[string][]byte) (map[string]*user, []string) {
	users := map[string]*user{}
	var problems []string
	keys := make([]string, 0, len(items))
	for k := range items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var c storedCredentials
		if err := yaml.Unmarshal(items[k], &c); err != nil {
			problems = append(problems, fmt.Sprintf("%s: not a YAML or JSON mapping", k))
			continue
		}
		name := c.Username
		if name == "" {
			name = c.Key
		}
		if name == "" {
			name = path.Base(k)
		}
		if c.Password == "" {
			problems = append(problems, fmt.Sprintf("%s: no password", k))
			continue
		}
		h, err := parseHash(c.Password)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s (user %q): %v", k, name, err))
			continue
		}
		users[name] = &user{hash: h}
	}
	return users, problems
}

// sourceDigest hashes store items in key order.
func sourceDigest(items map[string][]byte) [sha256.Size]byte {
	keys := make([]string, 0, len(items))
	for k := range items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%d:%s%d:", len(k), k, len(items[k]))
		h.Write(items[k])
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
