package rpc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmercury/mercury/fault"
	"github.com/openmercury/mercury/internal/testenv"
)

// TestAPIDoc keeps docs/api.md in step with the method table and the error
// table: every method has a section and its failure text, every class and
// every fault kind is documented.
func TestAPIDoc(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, m := range methods() {
		if !strings.Contains(doc, "### `"+m.name+"`") {
			t.Errorf("docs/api.md has no section for %s", m.name)
		}
		if !strings.Contains(doc, "| `"+m.name+"` | `"+m.failure+"` |") {
			t.Errorf("docs/api.md does not give %s's failure text %q", m.name, m.failure)
		}
		// The example reply is the one the tests produce (the golden file's
		// body). The Mercury methods' examples, and those of methods without
		// a golden file here, run against a real service in test/apidoc.
		if m.sig == nil {
			continue
		}
		g, err := os.ReadFile(filepath.Join("testdata", "ironic", m.name+".reply.txt"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := strings.Cut(string(g), "\n\n")
		if body = strings.TrimSpace(body); !strings.Contains(doc, "\n"+body+"\n") {
			t.Errorf("docs/api.md's example reply for %s is not the tested one:\n%s", m.name, body)
		}
	}
	for _, c := range []string{classInvalidParameterValue, classSwitchNotFound, classNetworkError} {
		if !strings.Contains(doc, c) {
			t.Errorf("docs/api.md does not mention %s", c)
		}
	}
	for k := fault.Internal; k <= fault.Conflict; k++ {
		if !strings.Contains(doc, "`"+k.String()+"`") {
			t.Errorf("docs/api.md's error table lacks the kind %s", k)
		}
	}
	// The /ws refusals, as the server words them with its default limits.
	srv, err := New(Options{Backend: &fakeBackend{}, Auth: NewNoAuth()})
	if err != nil {
		t.Fatal(err)
	}
	busy := string(errorBody([]byte(`"c25"`), (&wsConn{s: srv}).errBusy()))
	for _, s := range []string{busy, "`" + errNotRun().message + "`", "| -32000 |", "| -32001 |"} {
		if !strings.Contains(doc, s) {
			t.Errorf("docs/api.md does not show %s", s)
		}
	}
	for _, s := range []string{replyTooDeep, replyTooLarge, replyNotPost} {
		if !strings.Contains(doc, s) {
			t.Errorf("docs/api.md does not show the reply %s", s)
		}
	}
}
