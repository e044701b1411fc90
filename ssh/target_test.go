package ssh

import (
	"regexp"
	"strings"
	"testing"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

func TestTargetValidate(t *testing.T) {
	ok := func() Target {
		return Target{Device: "tor-1", Addr: "192.0.2.1:22", User: "admin", Password: []byte("pw-pw-pw"), KnownHosts: "/etc/kh"}
	}
	tests := []struct {
		name   string
		edit   func(*Target)
		kind   Kind
		want   fault.Kind // Internal = valid
		errHas string
	}{
		{"valid", func(*Target) {}, Exec, fault.Internal, ""},
		{"port added", func(t *Target) { t.Addr = "192.0.2.1" }, Exec, fault.Internal, ""},
		{"no device", func(t *Target) { t.Device = "" }, Exec, fault.Invalid, "device name"},
		{"bad port", func(t *Target) { t.Addr = "192.0.2.1:0" }, Exec, fault.Invalid, "port"},
		{"no user", func(t *Target) { t.User = "" }, Exec, fault.Invalid, "username"},
		{"no credentials", func(t *Target) { t.Password = nil }, Exec, fault.Invalid, "password_file or key_file"},
		{"no known_hosts", func(t *Target) { t.KnownHosts = "" }, Exec, fault.HostKey, "known_hosts"},
		{"insecure instead", func(t *Target) { t.KnownHosts = ""; t.InsecureIgnoreHostKey = true }, Exec, fault.Internal, ""},
		{"unknown cipher", func(t *Target) { t.Algorithms.Ciphers = []string{"rot13"} }, Exec, fault.Invalid, `"rot13"`},
		{"legacy kex allowed", func(t *Target) { t.Algorithms.KeyExchanges = []string{"diffie-hellman-group1-sha1"} }, Exec, fault.Internal, ""},
		{"interactive without prompt", func(*Target) {}, Interactive, fault.Invalid, "prompt"},
		{"interactive", func(t *Target) { t.Shell = &ShellSpec{Prompt: regexp.MustCompile(`# $`)} }, Interactive, fault.Internal, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := ok()
			tt.edit(&tg)
			err := tg.validate(tt.kind)
			if tt.want == fault.Internal {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				return
			}
			if err == nil || err.Kind != tt.want || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("validate = %v; want %v containing %q", err, tt.want, tt.errHas)
			}
			if tg.Device != "" && !strings.Contains(err.Error(), tg.Device) {
				t.Errorf("error does not name the device: %v", err)
			}
		})
	}
}

func TestMasking(t *testing.T) {
	tg := Target{Password: []byte("hunter22"), Secrets: map[string][]byte{"enable": []byte("en-secret"), "tiny": []byte("ab")}}
	m := tg.masked()
	if len(m) != 2 {
		t.Fatalf("masked() = %q; want password and enable (tiny is too short to mask)", m)
	}
	if got := string(maskSecrets([]byte("pw hunter22 en en-secret ab"), m)); got != "pw ******** en ******** ab" {
		t.Errorf("maskSecrets = %q", got)
	}
	// A secret split across two chunks of shell output is masked once whole.
	sh := &shell{masks: m}
	for _, chunk := range []string{"x hun", "ter22 y", " en-sec", "ret\n"} {
		old := len(sh.buf)
		sh.buf = append(sh.buf, chunk...)
		sh.maskFrom(old)
	}
	if got := string(sh.buf); got != "x ******** y ********\n" {
		t.Errorf("streamed masking = %q", got)
	}
	if s, ok := tg.secret("password"); !ok || string(s) != "hunter22" {
		t.Error(`secret("password") should fall back to the login password`)
	}
	if _, ok := tg.secret("nope"); ok {
		t.Error("unknown secret found")
	}
}

func TestTail(t *testing.T) {
	if got := tail([]byte("short"), 10); got != `"short"` {
		t.Errorf("tail = %s", got)
	}
	if got := tail([]byte("0123456789abc"), 3); got != `…"abc"` {
		t.Errorf("tail = %s", got)
	}
}

func TestKindMirrorsABI(t *testing.T) {
	if int32(Exec) != abi.SessionExec || int32(Interactive) != abi.SessionInteractive {
		t.Fatalf("Exec=%d Interactive=%d; abi says %d and %d", Exec, Interactive, abi.SessionExec, abi.SessionInteractive)
	}
	if Exec.String() != "exec" || Interactive.String() != "interactive" || Kind(9).String() != "kind(9)" {
		t.Error("Kind.String")
	}
}
