package rpc

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/openmercury/mercury/fault"
)

// HTTP Basic authentication against an Apache htpasswd file, as Ironic's
// BasicAuthMiddleware does it, with the same replies. Differences, all on
// the safe side:
//   - a verified (user, password) pair is remembered for basicCacheTTL, so
//     bcrypt (61 ms at cost 10) does not run on every call of a busy
//     conductor; the cache is keyed by an HMAC of user and password under a
//     per-process key and is emptied whenever the file changes;
//   - the file is re-read when it changes (size, mtime or inode), not on
//     every request; a changed file that cannot be read or holds a non-bcrypt
//     entry fails closed (500, as Ironic answers a broken file) until fixed;
//   - an unknown user costs one bcrypt run too, so response time does not
//     tell which users exist.

const (
	basicCacheTTL  = 60 * time.Second
	basicCacheSize = 256
	htpasswdLimit  = 1 << 20 // bytes
)

// NewBasicAuth loads the htpasswd file at path and returns its
// authenticator. It refuses a file it cannot read, or with any entry whose
// password is not a bcrypt hash ($2y$, $2a$, $2b$), naming the line.
func NewBasicAuth(path string, logger *slog.Logger) (Authenticator, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	tbl, st, err := loadHtpasswd(path)
	if err != nil {
		return nil, err
	}
	if len(tbl.users) == 0 {
		logger.Warn("htpasswd file has no users: every call will be refused", "file", path)
	}
	a := &basicAuth{path: path, log: logger, now: time.Now, table: tbl, stamp: st, cache: map[[32]byte]cachedLogin{}}
	if _, err := rand.Read(a.key[:]); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "random key for the login cache")
	}
	return a, nil
}

type basicAuth struct {
	path string
	log  *slog.Logger
	now  func() time.Time
	key  [32]byte // HMAC key of the login cache

	mu      sync.Mutex
	table   *htpasswd // nil while the file is broken
	loadErr error     // why table is nil
	stamp   fileStamp // of the file table (or loadErr) came from
	cache   map[[32]byte]cachedLogin

	bcryptRuns atomic.Int64 // bcrypt comparisons made; read by tests
}

type cachedLogin struct {
	hash    string // the entry it was verified against
	expires time.Time
}

func (*basicAuth) Strategy() string { return "http_basic" }

func (a *basicAuth) Authenticate(r *http.Request) (Principal, error) {
	vals, present := r.Header["Authorization"]
	if !present {
		return Principal{}, &AuthError{Status: http.StatusUnauthorized, Message: "Authorization required", Challenge: true,
			Err: errors.New("no Authorization header")}
	}
	user, pass, aerr := parseBasic(vals[0])
	if aerr != nil {
		return Principal{}, aerr
	}
	tbl, err := a.current()
	if err != nil {
		return Principal{}, &AuthError{Status: http.StatusInternalServerError,
			Message: "Invalid configuration file. Problem reading auth user file", User: user, Err: err}
	}
	hash, ok := tbl.users[user]
	if !ok {
		a.bcryptRuns.Add(1)
		tbl.burn(pass)
		return Principal{}, &AuthError{Status: http.StatusUnauthorized, Message: "Incorrect username or password", Challenge: true,
			User: user, Err: errors.New("unknown user")}
	}
	key := a.cacheKey(user, pass)
	if a.cached(key, hash) {
		return Principal{Identity: user}, nil
	}
	a.bcryptRuns.Add(1)
	if bcrypt.CompareHashAndPassword([]byte(hash), pass) != nil {
		return Principal{}, &AuthError{Status: http.StatusUnauthorized, Message: "Incorrect username or password", Challenge: true,
			User: user, Err: errors.New("wrong password")}
	}
	a.remember(key, hash)
	return Principal{Identity: user}, nil
}

// parseBasic reads an Authorization header value as Ironic does: trim,
// split once on whitespace, scheme "Basic" in any case, strict standard
// base64, then user and password split on the first colon.
func parseBasic(h string) (user string, pass []byte, _ *AuthError) {
	h = strings.TrimSpace(h)
	i := strings.IndexFunc(h, unicode.IsSpace)
	if i < 0 {
		return "", nil, &AuthError{Status: http.StatusBadRequest, Message: "Could not parse Authorization header"}
	}
	scheme, token := h[:i], strings.TrimLeftFunc(h[i:], unicode.IsSpace)
	if !strings.EqualFold(scheme, "basic") {
		return "", nil, &AuthError{Status: http.StatusBadRequest, Message: `Unsupported authorization type "` + scheme + `"`}
	}
	bad := &AuthError{Status: http.StatusBadRequest, Message: "Could not decode authorization token"}
	if strings.ContainsAny(token, "\r\n") { // Go's decoder skips them; Python's refuses them
		return "", nil, bad
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		bad.Err = err
		return "", nil, bad
	}
	u, p, ok := bytes.Cut(raw, []byte(":"))
	if !ok || !utf8.Valid(u) {
		bad.Err = errors.New("no user:password pair")
		return "", nil, bad
	}
	return string(u), p, nil
}

// current returns the table of the file as it is now, re-reading it when it
// changed.
func (a *basicAuth) current() (*htpasswd, error) {
	st, statErr := statFile(a.path)
	a.mu.Lock()
	defer a.mu.Unlock()
	if statErr == nil && st == a.stamp {
		return a.table, a.loadErr
	}
	clear(a.cache)
	tbl, st, err := loadHtpasswd(a.path)
	if err != nil {
		if a.loadErr == nil {
			a.log.Error("htpasswd file changed and is now unusable: refusing every call until it is fixed", "file", a.path, "error", err)
		}
		a.table, a.loadErr, a.stamp = nil, err, st
		return nil, err
	}
	a.log.Info("htpasswd file re-read", "file", a.path, "users", len(tbl.users))
	a.table, a.loadErr, a.stamp = tbl, nil, st
	return tbl, nil
}

func (a *basicAuth) cacheKey(user string, pass []byte) [32]byte {
	m := hmac.New(sha256.New, a.key[:])
	m.Write([]byte(user))
	m.Write([]byte{0})
	m.Write(pass)
	var k [32]byte
	m.Sum(k[:0])
	return k
}

func (a *basicAuth) cached(key [32]byte, hash string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.cache[key]
	return ok && c.hash == hash && a.now().Before(c.expires)
}

func (a *basicAuth) remember(key [32]byte, hash string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if len(a.cache) >= basicCacheSize {
		for k, c := range a.cache {
			if !now.Before(c.expires) {
				delete(a.cache, k)
			}
		}
		for k := range a.cache { // still full: drop any one
			if len(a.cache) < basicCacheSize {
				break
			}
			delete(a.cache, k)
		}
	}
	a.cache[key] = cachedLogin{hash: hash, expires: now.Add(basicCacheTTL)}
}

// htpasswd is one parsed file.
type htpasswd struct {
	users   map[string]string // user → bcrypt hash; the first line wins, as in Ironic
	maxCost int

	dummyOnce sync.Once
	dummy     []byte // a hash to compare unknown users against
}

// burn spends one bcrypt comparison at the file's highest cost.
func (t *htpasswd) burn(pass []byte) {
	t.dummyOnce.Do(func() {
		var pw [16]byte
		_, _ = rand.Read(pw[:])
		t.dummy, _ = bcrypt.GenerateFromPassword(pw[:], max(t.maxCost, bcrypt.MinCost))
	})
	_ = bcrypt.CompareHashAndPassword(t.dummy, pass)
}

// fileStamp tells whether a file changed.
type fileStamp struct {
	mod  time.Time
	size int64
	ino  uint64
}

func statFile(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = uint64(sys.Ino)
	}
	return st, nil
}

// loadHtpasswd reads and checks an htpasswd file. Lines are user:hash;
// blank lines, lines starting with # and lines without a colon are skipped
// (Ironic skips the last kind too).
func loadHtpasswd(path string) (*htpasswd, fileStamp, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileStamp{}, fault.Wrap(fault.Invalid, err, "read htpasswd file")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileStamp{}, fault.Wrap(fault.Invalid, err, "read htpasswd file %s", path)
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = uint64(sys.Ino)
	}
	data, err := io.ReadAll(io.LimitReader(f, htpasswdLimit+1))
	if err != nil {
		return nil, st, fault.Wrap(fault.Invalid, err, "read htpasswd file %s", path)
	}
	if len(data) > htpasswdLimit {
		return nil, st, fault.New(fault.Invalid, "htpasswd file %s is larger than %d bytes: is it the right file?", path, htpasswdLimit)
	}
	t := &htpasswd{users: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), htpasswdLimit)
	for n := 1; sc.Scan(); n++ {
		entry := strings.TrimSpace(sc.Text())
		if entry == "" || strings.HasPrefix(entry, "#") {
			continue
		}
		user, hash, ok := strings.Cut(entry, ":")
		if !ok {
			continue
		}
		fix := "recreate it with `htpasswd -B " + path + " " + user + "`"
		if !strings.HasPrefix(hash, "$2y$") && !strings.HasPrefix(hash, "$2a$") && !strings.HasPrefix(hash, "$2b$") {
			return nil, st, fault.New(fault.Invalid,
				"htpasswd file %s line %d (user %q): the password is not a bcrypt hash ($2y$, $2a$ or $2b$), the only kind supported; %s",
				path, n, user, fix)
		}
		cost, err := bcrypt.Cost([]byte(hash))
		if err != nil {
			return nil, st, fault.New(fault.Invalid, "htpasswd file %s line %d (user %q): malformed bcrypt hash (%v); %s", path, n, user, err, fix)
		}
		t.maxCost = max(t.maxCost, cost)
		if _, dup := t.users[user]; !dup {
			t.users[user] = hash
		}
	}
	if err := sc.Err(); err != nil {
		return nil, st, fault.Wrap(fault.Invalid, err, "read htpasswd file %s", path)
	}
	return t, st, nil
}
