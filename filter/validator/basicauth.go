package validator

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/protocols/httpprot"
)

// HeaderAuthUser is set to the user name on a request that passed the
// basicAuth check.
const HeaderAuthUser = "X-AUTH-USER"

// storeReadTimeout bounds one read of the users from the store.
const storeReadTimeout = 5 * time.Second

var (
	errNoBasicAuth  = errors.New("no Authorization: Basic credentials")
	errBadBasicAuth = errors.New("malformed Authorization: Basic credentials")
	errUnauthorized = errors.New("unknown user or wrong password")
	basicScheme     = []byte("basic ")
)

// basicAuthCheck checks HTTP basic authentication against a user table
// kept in memory: the request path never reads the file or the store. A
// goroutine reads the source again every refresh interval and swaps in a
// new table when it changed; a source that cannot be read keeps the last
// table serving. In LDAP mode there is no table: ldap binds to the
// server.
type basicAuthCheck struct {
	mode     string
	ldap     *ldapAuth
	file     string
	prefix   string
	store    filter.DataReader
	interval time.Duration
	log      *slog.Logger
	key      []byte // random key of the verified-password cache

	table atomic.Pointer[userTable]

	mu       sync.Mutex // guards the fields below
	loaded   time.Time
	lastErr  error
	fileSize int64
	fileMod  time.Time

	stop chan struct{}
	done chan struct{}
}

func newBasicAuthCheck(s *BasicAuthSpec, env *filter.Env) (*basicAuthCheck, error) {
	c := &basicAuthCheck{mode: s.Mode, interval: s.refreshInterval(), log: env.Log(), key: make([]byte, 32)}
	if _, err := rand.Read(c.key); err != nil {
		return nil, err
	}
	switch s.Mode {
	case ModeLDAP:
		var err error
		if c.ldap, err = newLDAPAuth(s.LDAP, c.log); err != nil {
			return nil, err
		}
	case ModeFile:
		c.file = s.userFile()
	default:
		c.prefix = s.storePrefix()
		if env != nil {
			c.store = env.Store
		}
	}
	return c, nil
}

// start reads the users and starts the refresh goroutine. The first read
// must succeed. LDAP mode has nothing to start: the server is reached
// when a request needs it.
func (c *basicAuthCheck) start() error {
	if c.ldap != nil {
		if c.ldap.clearText {
			c.log.Warn("basicAuth: skipTLS without useSSL sends the passwords to the LDAP server in clear text", "server", c.ldap.server)
		}
		return nil
	}
	if c.mode == ModeStore && c.store == nil {
		return errors.New("basicAuth: mode ETCD reads the users from the cluster store, and this pipeline runs without one")
	}
	if err := c.load(); err != nil {
		if c.mode == ModeFile {
			return fmt.Errorf("basicAuth.userFile: %w", err)
		}
		return fmt.Errorf("basicAuth: reading users under %q from the store: %w", c.prefix, err)
	}
	c.stop, c.done = make(chan struct{}), make(chan struct{})
	go c.refreshLoop()
	return nil
}

func (c *basicAuthCheck) refreshLoop() {
	defer close(c.done)
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			if err := c.load(); err != nil {
				c.log.Warn("reading the basicAuth users failed; the last ones stay in use", "error", err)
			}
		}
	}
}

// close stops the refresh goroutine, or closes the idle LDAP
// connections.
func (c *basicAuthCheck) close() {
	if c.ldap != nil {
		c.ldap.close()
	}
	if c.stop != nil {
		close(c.stop)
		<-c.done
		c.stop = nil
	}
}

// load reads the source and swaps in a new table if it changed.
func (c *basicAuthCheck) load() error {
	var (
		users    map[string]*user
		problems []string
		digest   [sha256.Size]byte
	)
	if c.mode == ModeFile {
		fi, err := os.Stat(c.file)
		if err != nil {
			return c.failed(err)
		}
		c.mu.Lock()
		same := c.table.Load() != nil && fi.Size() == c.fileSize && fi.ModTime().Equal(c.fileMod)
		c.mu.Unlock()
		if same {
			return c.failed(nil)
		}
		data, err := os.ReadFile(c.file)
		if err != nil {
			return c.failed(err)
		}
		c.mu.Lock()
		c.fileSize, c.fileMod = fi.Size(), fi.ModTime()
		c.mu.Unlock()
		digest = sha256.Sum256(data)
		if t := c.table.Load(); t != nil && t.source == digest {
			return c.failed(nil)
		}
		users, problems = parseHtpasswd(data)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), storeReadTimeout)
		items, err := c.store.List(ctx, c.prefix)
		cancel()
		if err != nil {
			return c.failed(err)
		}
		digest = sourceDigest(items)
		if t := c.table.Load(); t != nil && t.source == digest {
			return c.failed(nil)
		}
		users, problems = parseStoreUsers(items)
	}
	for _, p := range problems {
		c.log.Warn("basicAuth user skipped", "source", c.source(), "problem", p)
	}
	c.table.Store(&userTable{users: users, source: digest})
	c.mu.Lock()
	c.loaded = time.Now()
	c.mu.Unlock()
	c.log.Info("basicAuth users loaded", "source", c.source(), "users", len(users))
	return c.failed(nil)
}

// failed records the outcome of a load and returns err.
func (c *basicAuthCheck) failed(err error) error {
	c.mu.Lock()
	c.lastErr = err
	c.mu.Unlock()
	return err
}

// source names where the users come from.
func (c *basicAuthCheck) source() string {
	switch {
	case c.ldap != nil:
		return c.ldap.server
	case c.mode == ModeFile:
		return c.file
	}
	return "store:" + c.prefix
}

// check authenticates the request's basic credentials and sets
// X-AUTH-USER to the user name.
func (c *basicAuthCheck) check(req *httpprot.Request) error {
	if c.ldap != nil {
		return c.checkLDAP(req)
	}
	var buf [256]byte
	name, password, _, err := basicCredentials(req, buf[:])
	if err != nil {
		return err
	}
	t := c.table.Load()
	if t == nil || !t.authenticate(name, password, c.key) {
		return errUnauthorized
	}
	req.Header.SetBytesV(HeaderAuthUser, name)
	return nil
}

// checkLDAP is check in LDAP mode. It has a buffer of its own: the one
// of check escapes to the heap through the user table's hash.
func (c *basicAuthCheck) checkLDAP(req *httpprot.Request) error {
	var buf [256]byte
	name, password, credentials, err := basicCredentials(req, buf[:])
	if err != nil {
		return err
	}
	if err := c.ldap.verify(name, password, credentials); err != nil {
		return err
	}
	req.Header.SetBytesV(HeaderAuthUser, name)
	return nil
}

// basicCredentials decodes "Authorization: Basic" into buf (or a new
// buffer when it is too small) and returns the user name, the password
// and the whole "name:password".
func basicCredentials(req *httpprot.Request, buf []byte) (name, password, credentials []byte, err error) {
	h := req.Header.Peek("Authorization")
	if len(h) <= len(basicScheme) || !bytes.EqualFold(h[:len(basicScheme)], basicScheme) {
		return nil, nil, nil, errNoBasicAuth
	}
	enc := bytes.TrimSpace(h[len(basicScheme):])
	if n := base64.StdEncoding.DecodedLen(len(enc)); n > len(buf) {
		buf = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(buf, enc)
	if err != nil {
		return nil, nil, nil, errBadBasicAuth
	}
	credentials = buf[:n]
	name, password, ok := bytes.Cut(credentials, []byte(":"))
	if !ok || len(name) == 0 {
		return nil, nil, nil, errBadBasicAuth
	}
	return name, password, credentials, nil
}

// status describes the user table for the filter's status.
func (c *basicAuthCheck) status() *BasicAuthStatus {
	st := &BasicAuthStatus{Mode: c.mode, Source: c.source()}
	if c.ldap != nil {
		st.LDAP = c.ldap.status()
		return st
	}
	if t := c.table.Load(); t != nil {
		st.Users = len(t.users)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded.IsZero() {
		st.Loaded = c.loaded.UTC().Format(time.RFC3339)
	}
	if c.lastErr != nil {
		st.LastError = c.lastErr.Error()
	}
	return st
}
