package ssh

import (
	"context"
	"testing"
	"time"

	"github.com/openmercury/mercury/internal/testsshd"
)

// BenchmarkExec compares a command on a new connection (dial, key
// exchange, login, channel) with one on the pool's kept connection (a
// channel only), and an interactive command on a pooled shell.
func BenchmarkExec(b *testing.B) {
	srv := testsshd.Start(b, testsshd.Options{})
	signer, err := LoadSigner(srv.KeyFile)
	if err != nil {
		b.Fatal(err)
	}
	tg := &Target{Device: devName, Addr: srv.Addr, User: srv.User, Signer: signer, KnownHosts: srv.KnownHostsFile,
		Shell: &ShellSpec{Prompt: bashPrompt}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	execOnce := func(b *testing.B, p *Pool) {
		s, err := p.Open(ctx, tg, Exec)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.Exec(ctx, "true"); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			p := NewPool(Options{})
			execOnce(b, p)
			p.Close()
		}
	})
	b.Run("pooled", func(b *testing.B) {
		p := NewPool(Options{})
		defer p.Close()
		execOnce(b, p)
		for b.Loop() {
			execOnce(b, p)
		}
	})
	b.Run("shell-pooled", func(b *testing.B) {
		p := NewPool(Options{})
		defer p.Close()
		for b.Loop() {
			s, err := p.Open(ctx, tg, Interactive)
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Send(ctx, []byte("true\n")); err != nil {
				b.Fatal(err)
			}
			if _, err := s.ReadUntil(ctx, bashPrompt); err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
}
