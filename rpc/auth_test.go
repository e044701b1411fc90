package rpc

import (
	"encoding/base64"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/testenv"
)

func basicHeader(userpass string) map[string]string {
	return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(userpass))}
}

func newBasic(t *testing.T, pairs ...string) (*basicAuth, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "htpasswd")
	writeHtpasswd(t, path, pairs...)
	a, err := NewBasicAuth(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a.(*basicAuth), path
}

// TestBasicAuthReplies checks every refusal against Ironic's replies
// (testdata/auth.golden), that the backend never runs for one, and what
// the log says about it.
func TestBasicAuthReplies(t *testing.T) {
	a, _ := newBasic(t, "ironic", "rpc-secret", "other", "pw:with:colons")
	var logs logBuffer
	fb, base := newFake(t, Options{Auth: a, Logger: logs.logger()})
	call := rpcBody("get_switches", 1, "context", map[string]any{})
	tests := []struct {
		name     string
		x        exchange
		status   int
		identity string // accepted: the caller's identity
	}{
		{name: "no header", x: exchange{body: call}, status: 401},
		{name: "no header on GET", x: exchange{method: http.MethodGet}, status: 401},
		{name: "wrong password", x: exchange{body: call, header: basicHeader("ironic:wrong-secret")}, status: 401},
		{name: "unknown user", x: exchange{body: call, header: basicHeader("nobody:rpc-secret")}, status: 401},
		{name: "empty user and password", x: exchange{body: call, header: basicHeader(":")}, status: 401},
		{name: "Bearer", x: exchange{body: call, header: map[string]string{"Authorization": "Bearer x"}}, status: 400},
		{name: "Digest", x: exchange{body: call, header: map[string]string{"Authorization": `Digest username="ironic"`}}, status: 400},
		{name: "bad base64", x: exchange{body: call, header: map[string]string{"Authorization": "Basic !!!"}}, status: 400},
		{name: "base64 without padding", x: exchange{body: call, header: map[string]string{"Authorization": "Basic aXJvbmljOnJwYy1zZWNyZXQ"}}, status: 400},
		{name: "no colon in token", x: exchange{body: call, header: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("ironic"))}}, status: 400},
		{name: "scheme only", x: exchange{body: call, header: map[string]string{"Authorization": "Basic"}}, status: 400},
		{name: "empty header", x: exchange{body: call, header: map[string]string{"Authorization": ""}}, status: 400},
		{name: "good", x: exchange{body: call, header: basicHeader("ironic:rpc-secret")}, status: 200, identity: "ironic"},
		{name: "scheme in any case", x: exchange{body: call, header: map[string]string{"Authorization": "bAsIc   " + base64.StdEncoding.EncodeToString([]byte("ironic:rpc-secret"))}},
			status: 200, identity: "ironic"},
		{name: "password with colons", x: exchange{body: call, header: basicHeader("other:pw:with:colons")}, status: 200, identity: "other"},
		{name: "good credentials, GET", x: exchange{method: http.MethodGet, header: basicHeader("ironic:rpc-secret")}, status: 405},
	}
	var out strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fb.Calls())
			resp, body := tt.x.do(t, base)
			out.WriteString("--- " + tt.name + "\n" + transcript(resp, body))
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			calls := fb.Calls()[before:]
			if tt.identity == "" {
				if len(calls) != 0 {
					t.Errorf("the backend ran for a refused request")
				}
				return
			}
			if len(calls) != 1 || calls[0].caller.Identity != tt.identity {
				t.Errorf("calls %+v, want one as %q", calls, tt.identity)
			}
		})
	}
	golden(t, "auth.golden", out.String())

	log := logs.String()
	if strings.Contains(log, "wrong-secret") || strings.Contains(log, "rpc-secret") || strings.Contains(log, "pw:with:colons") {
		t.Errorf("a password is in the log:\n%s", log)
	}
	for _, want := range []string{`"user":"ironic","status":401,"reason":"wrong password"`, `"user":"nobody","status":401,"reason":"unknown user"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s:\n%s", want, log)
		}
	}
}

// TestBasicAuthCache checks that a verified login skips bcrypt until the
// cache entry expires, and that wrong passwords are never cached.
func TestBasicAuthCache(t *testing.T) {
	a, _ := newBasic(t, "ironic", "rpc-secret")
	now := time.Unix(1_000_000, 0)
	a.now = func() time.Time { return now }
	_, base := newFake(t, Options{Auth: a})
	call := exchange{body: rpcBody("get_switches", 1, "context", map[string]any{}), header: basicHeader("ironic:rpc-secret")}
	wrong := exchange{body: call.body, header: basicHeader("ironic:nope")}

	steps := []struct {
		name    string
		x       exchange
		advance time.Duration
		status  int
		runs    int64 // bcrypt runs so far
	}{
		{"first login runs bcrypt", call, 0, 200, 1},
		{"second login is cached", call, 0, 200, 1},
		{"third, 59s later, still cached", call, 59 * time.Second, 200, 1},
		{"wrong password runs bcrypt", wrong, 0, 401, 2},
		{"wrong password again runs it again", wrong, 0, 401, 3},
		{"after the TTL bcrypt runs again", call, 2 * time.Second, 200, 4},
		{"and is cached again", call, 0, 200, 4},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		resp, body := st.x.do(t, base)
		if resp.StatusCode != st.status {
			t.Fatalf("%s: status %d: %s", st.name, resp.StatusCode, body)
		}
		if got := a.bcryptRuns.Load(); got != st.runs {
			t.Errorf("%s: %d bcrypt runs, want %d", st.name, got, st.runs)
		}
	}
}

func TestBasicAuthCacheBounded(t *testing.T) {
	a, _ := newBasic(t, "ironic", "x")
	for i := range 3 * basicCacheSize {
		a.remember(a.cacheKey("u", []byte{byte(i), byte(i >> 8)}), "h")
	}
	if n := len(a.cache); n > basicCacheSize {
		t.Errorf("cache holds %d entries, bound is %d", n, basicCacheSize)
	}
}

// TestHtpasswdRefused checks that only bcrypt entries load, and that the
// error names the file, the line and the fix.
func TestHtpasswdRefused(t *testing.T) {
	const good = "$2y$05$QY3PvoVYAm46NF006Umae..a03U0/ameEwhKdT8kCQmPN9O.C7MM2"
	tests := []struct {
		name    string
		content string
		wantErr string // "" = loads
	}{
		{"bcrypt variants, blanks, comments", "# users\n\na:" + good + "\nb:" + strings.Replace(good, "2y", "2a", 1) +
			"\n  c:" + strings.Replace(good, "2y", "2b", 1) + "  \nnot-an-entry\n", ""},
		{"apr1 md5", "a:" + good + "\nbob:$apr1$abc$def\n", "line 2 (user \"bob\")"},
		{"sha1", "bob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", "line 1 (user \"bob\")"},
		{"crypt", "bob:rqXexS6ZhobKA\n", "not a bcrypt hash"},
		{"plain text", "bob:secret\n", "htpasswd -B"},
		{"2x is not accepted", "bob:$2x$05$0AT4d9GvXNnJh1.jbKaTVOXk6uX5w3PplDtMUKZ/D6ke3lb9mOz5W\n", "line 1"},
		{"truncated bcrypt", "bob:$2y$05$short\n", "malformed bcrypt hash"},
		{"bcrypt cost too high", "bob:$2y$99$0AT4d9GvXNnJh1.jbKaTVOXk6uX5w3PplDtMUKZ/D6ke3lb9mOz5W\n", "malformed bcrypt hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "htpasswd")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := NewBasicAuth(path, nil)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("loaded a file with a non-bcrypt entry")
			case tt.wantErr != "":
				for _, want := range []string{tt.wantErr, path, "htpasswd -B"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q lacks %q", err, want)
					}
				}
				if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "rqXexS6ZhobKA") {
					t.Errorf("error shows the password entry: %v", err)
				}
			}
		})
	}
	if _, err := NewBasicAuth(filepath.Join(t.TempDir(), "missing"), nil); err == nil {
		t.Error("a missing file loaded")
	}
}

// TestHtpasswdFirstEntryWins matches Ironic's line scan.
func TestHtpasswdFirstEntryWins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "htpasswd")
	writeHtpasswd(t, path, "ironic", "first", "ironic", "second")
	a, err := NewBasicAuth(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, base := newFake(t, Options{Auth: a})
	body := rpcBody("get_switches", 1, "context", map[string]any{})
	if resp, _ := (exchange{body: body, header: basicHeader("ironic:first")}).do(t, base); resp.StatusCode != 200 {
		t.Errorf("first entry: %d", resp.StatusCode)
	}
	if resp, _ := (exchange{body: body, header: basicHeader("ironic:second")}).do(t, base); resp.StatusCode != 401 {
		t.Errorf("second entry: %d", resp.StatusCode)
	}
}

// TestHtpasswdRotation rewrites the file under a running server: the new
// password works at once, the old one (even cached) stops, and a broken
// file fails closed until it is fixed.
func TestHtpasswdRotation(t *testing.T) {
	var logs logBuffer
	path := filepath.Join(t.TempDir(), "htpasswd")
	writeHtpasswd(t, path, "ironic", "old")
	auth, err := NewBasicAuth(path, logs.logger())
	if err != nil {
		t.Fatal(err)
	}
	_, base := newFake(t, Options{Auth: auth})
	body := rpcBody("get_switches", 1, "context", map[string]any{})
	expect := func(step, userpass string, status int) {
		t.Helper()
		resp, got := exchange{body: body, header: basicHeader(userpass)}.do(t, base)
		if resp.StatusCode != status {
			t.Errorf("%s: %s got %d, want %d: %s", step, userpass, resp.StatusCode, status, got)
		}
	}
	mtime := time.Now()
	rewrite := func(content func()) {
		content()
		mtime = mtime.Add(2 * time.Second) // make the change visible whatever the clock granularity
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}

	expect("before", "ironic:old", 200)
	expect("before, cached", "ironic:old", 200)
	rewrite(func() { writeHtpasswd(t, path, "ironic", "new") })
	expect("after rotation", "ironic:old", 401)
	expect("after rotation", "ironic:new", 200)

	rewrite(func() {
		if err := os.WriteFile(path, []byte("ironic:$apr1$x$y\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	})
	expect("broken file", "ironic:new", 500)
	resp, got := exchange{body: body, header: basicHeader("ironic:new")}.do(t, base)
	if want := `{"error":{"message":"Invalid configuration file. Problem reading auth user file","code":500}}`; string(got) != want || resp.StatusCode != 500 {
		t.Errorf("broken file reply %d %s", resp.StatusCode, got)
	}
	if !strings.Contains(logs.String(), "htpasswd -B") {
		t.Errorf("the log does not say how to fix the file:\n%s", logs.String())
	}

	rewrite(func() { writeHtpasswd(t, path, "ironic", "newer") })
	expect("fixed", "ironic:newer", 200)

	// Atomic replacement (rename), as configuration tools do it.
	tmp := path + ".tmp"
	writeHtpasswd(t, tmp, "ironic", "renamed")
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	expect("renamed in", "ironic:newer", 401)
	expect("renamed in", "ironic:renamed", 200)

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	expect("file removed", "ironic:renamed", 500)
}

// TestHtpasswdTool uses files written by Apache's htpasswd, the tool the
// error message tells operators to use.
func TestHtpasswdTool(t *testing.T) {
	tool := testenv.RequireCommand(t, "htpasswd")[0]
	dir := t.TempDir()
	bc := filepath.Join(dir, "bcrypt")
	if out, err := exec.Command(tool, "-cbB", "-C", "4", bc, "ironic", "rpc-secret").CombinedOutput(); err != nil {
		t.Fatalf("htpasswd: %v: %s", err, out)
	}
	a, err := NewBasicAuth(bc, nil)
	if err != nil {
		t.Fatalf("an htpasswd -B file was refused: %v", err)
	}
	_, base := newFake(t, Options{Auth: a})
	if resp, body := (exchange{body: rpcBody("get_switches", 1, "context", map[string]any{}), header: basicHeader("ironic:rpc-secret")}).do(t, base); resp.StatusCode != 200 {
		t.Errorf("login with the htpasswd -B password: %d %s", resp.StatusCode, body)
	}
	md5 := filepath.Join(dir, "md5")
	if out, err := exec.Command(tool, "-cbm", md5, "ironic", "rpc-secret").CombinedOutput(); err != nil {
		t.Fatalf("htpasswd: %v: %s", err, out)
	}
	if _, err := NewBasicAuth(md5, nil); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("an htpasswd -m (MD5) file: %v", err)
	}
}

func TestParseBasic(t *testing.T) {
	tests := []struct {
		header, user, pass string
		msg                string // refusal message; "" = parsed
	}{
		{"Basic aXJvbmljOnJwYy1zZWNyZXQ=", "ironic", "rpc-secret", ""},
		{"  basic\taXJvbmljOnJwYy1zZWNyZXQ=  ", "ironic", "rpc-secret", ""},
		{"BASIC Og==", "", "", ""},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("ü:p\x00w")), "ü", "p\x00w", ""},
		{"Basic", "", "", "Could not parse Authorization header"},
		{"", "", "", "Could not parse Authorization header"},
		{"Bearer abc", "", "", `Unsupported authorization type "Bearer"`},
		{"Basic aXJvbmljOnJwYy1zZWNyZXQ", "", "", "Could not decode authorization token"},
		{"Basic aXJvbmlj", "", "", "Could not decode authorization token"},
		{"Basic aXJv bmljOnJwYy1zZWNyZXQ=", "", "", "Could not decode authorization token"},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("\xff:x")), "", "", "Could not decode authorization token"},
		{"Basic " + base64.URLEncoding.EncodeToString([]byte("??>:>>?")), "", "", "Could not decode authorization token"},
	}
	for _, tt := range tests {
		user, pass, err := parseBasic(tt.header)
		if tt.msg != "" {
			if err == nil || err.Message != tt.msg || err.Status != 400 {
				t.Errorf("%q: got %q %q %+v, want %q", tt.header, user, pass, err, tt.msg)
			}
			continue
		}
		if err != nil || user != tt.user || string(pass) != tt.pass {
			t.Errorf("%q: got %q %q %v", tt.header, user, pass, err)
		}
	}
}

func TestCheckBind(t *testing.T) {
	tests := []struct {
		addr, strategy string
		allowRemote    bool
		ok             bool
	}{
		{"127.0.0.1:6190", "noauth", false, true},
		{"127.1.2.3:6190", "noauth", false, true},
		{"[::1]:6190", "noauth", false, true},
		{"localhost:6190", "noauth", false, true},
		{"0.0.0.0:6190", "noauth", false, false},
		{":6190", "noauth", false, false},
		{"[::]:6190", "noauth", false, false},
		{"10.0.0.5:6190", "noauth", false, false},
		{"mercury.example:6190", "noauth", false, false},
		{"10.0.0.5:6190", "noauth", true, true},
		{"0.0.0.0:6190", "http_basic", false, true},
		{"0.0.0.0:6190", "mtls", false, true},
		{"6190", "noauth", false, false},
	}
	for _, tt := range tests {
		err := CheckBind(tt.addr, tt.strategy, tt.allowRemote)
		if (err == nil) != tt.ok {
			t.Errorf("CheckBind(%q, %q, %v) = %v", tt.addr, tt.strategy, tt.allowRemote, err)
		}
		if err != nil && tt.addr != "6190" && !strings.Contains(err.Error(), "allow_noauth_remote") {
			t.Errorf("the error does not name the fix: %v", err)
		}
	}
}

func TestNewAuthenticator(t *testing.T) {
	_, path := newBasic(t, "ironic", "x")
	for _, s := range []string{"noauth", "http_basic", "mtls"} {
		a, err := NewAuthenticator(s, path, nil)
		if err != nil || a.Strategy() != s {
			t.Errorf("%s: %v %v", s, a, err)
		}
	}
	if _, err := NewAuthenticator("keystone", "", nil); err == nil {
		t.Error("keystone accepted")
	}
}
