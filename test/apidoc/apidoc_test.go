package apidoc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/openmercury/mercury/internal/simlab"
	"github.com/openmercury/mercury/internal/wasmbuild"
	"github.com/openmercury/mercury/rpc"
	"github.com/openmercury/mercury/simulator"
)

var update = flag.Bool("update", false, "rewrite the replies in docs/api.md")

// example is one request of the document and the reply it shows.
type example struct {
	request, reply string
	at             int // byte offset of the reply block's body in the document
}

// examples returns the request/reply pairs of the "Mercury methods"
// section, in order: every JSON block whose body names a method, and the
// block after it.
func examples(t *testing.T, doc string) []example {
	t.Helper()
	start := strings.Index(doc, "## Mercury methods")
	end := strings.Index(doc, "## Errors")
	if start < 0 || end < start {
		t.Fatal("docs/api.md lacks its Mercury methods or Errors section")
	}
	block := regexp.MustCompile("(?s)```json\n(.*?)\n```")
	method := regexp.MustCompile(`"method": "([a-z_]+)"`)
	locs := block.FindAllStringSubmatchIndex(doc[start:end], -1)
	var out []example
	for i := 0; i+1 < len(locs); i++ {
		req := doc[start+locs[i][2] : start+locs[i][3]]
		if method.FindStringSubmatch(req) == nil {
			continue
		}
		out = append(out, example{request: req, reply: doc[start+locs[i+1][2] : start+locs[i+1][3]], at: start + locs[i+1][2]})
		i++
	}
	return out
}

// hashPlaceholder stands, in the document, for the sha256 of the driver's
// file, which changes with every build of the driver.
const hashPlaceholder = "<sha256 of arista-eos.wasm>"

var hashField = regexp.MustCompile(`"sha256":"([^"]*)"`)

// normalise returns reply with every "sha256" value replaced by
// hashPlaceholder, after checking that each is want, the hex sha256 of the
// one driver file the lab loads.
func normalise(t *testing.T, reply, want string) string {
	t.Helper()
	return hashField.ReplaceAllStringFunc(reply, func(m string) string {
		if got := hashField.FindStringSubmatch(m)[1]; got != want {
			t.Errorf("a reply gives the driver's sha256 as %q, want %s (the sha256 of the file loaded)", got, want)
		}
		return `"sha256":"` + hashPlaceholder + `"`
	})
}

// mercury starts a real Mercury in front of one simulated EOS switch,
// eos-1, whose idle VLAN is 10 and whose Ethernet48 is protected, and
// returns its URL.
func mercury(t *testing.T) string {
	t.Helper()
	sim, err := simulator.Run(simulator.Fleet("arista-eos", "eos", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	dir := t.TempDir()
	var inv bytes.Buffer
	if err := sim.WriteInventory(&inv, dir); err != nil {
		t.Fatal(err)
	}
	svc := simlab.Service(t, simlab.Config(t, inv.String(), "", "    idle_vlan: 10\n    protected_ports: [Ethernet48]\n", "arista-eos"), 0)
	srv, err := rpc.New(rpc.Options{Backend: svc, Auth: rpc.NewNoAuth()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestExamples(t *testing.T) {
	path := filepath.Join(wasmbuild.Root(), "docs", "api.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	exs := examples(t, doc)
	if len(exs) < 12 {
		t.Fatalf("found %d examples to run; the Mercury methods section has lost some", len(exs))
	}
	url := mercury(t)
	wasm, err := os.ReadFile(wasmbuild.Driver(t, "arista-eos"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	var got []string
	for _, ex := range exs {
		resp, err := http.Post(url, "application/json", strings.NewReader(ex.request))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		reply := normalise(t, strings.TrimSpace(string(body)), hex.EncodeToString(sum[:]))
		got = append(got, reply)
		if !*update && reply != ex.reply {
			t.Errorf("docs/api.md example\n%s\nreplies\n%s\nbut the document shows\n%s\n(go test ./test/apidoc -update rewrites it)", ex.request, reply, ex.reply)
		}
	}
	if *update {
		for i := len(exs) - 1; i >= 0; i-- {
			doc = doc[:exs[i].at] + got[i] + doc[exs[i].at+len(exs[i].reply):]
		}
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
