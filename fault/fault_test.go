package fault

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{New(Invalid, "VLAN 0 is out of range 1-4094"), "VLAN 0 is out of range 1-4094"},
		{New(Denied, "port is protected").WithDevice("tor-1").WithPort("Ethernet1"), "tor-1 Ethernet1: port is protected"},
		{Wrap(Unreachable, io.EOF, "connection lost").WithDevice("tor-1"), "tor-1: connection lost: EOF"},
		{Wrap(Timeout, io.EOF, ""), "EOF"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestKindThroughWrapping(t *testing.T) {
	base := New(Auth, "permission denied").WithDevice("leaf-2")
	wrapped := fmt.Errorf("attach leaf-2/swp1: %w", base)
	if KindOf(wrapped) != Auth || !Is(wrapped, Auth) || Is(wrapped, Device) {
		t.Fatalf("kind lost through %%w wrapping: %v", KindOf(wrapped))
	}
	if KindOf(errors.New("plain")) != Internal {
		t.Fatal("a plain error must be Internal")
	}
	if !errors.Is(Wrap(Unreachable, io.EOF, "x"), io.EOF) {
		t.Fatal("Unwrap must expose the cause")
	}
}

func TestKindNames(t *testing.T) {
	for k := Internal; k <= Conflict; k++ {
		got, ok := ParseKind(k.String())
		if !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if _, ok := ParseKind("nope"); ok {
		t.Error("ParseKind accepted an unknown name")
	}
}
