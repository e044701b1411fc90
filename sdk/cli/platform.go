package cli

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/openmercury/mercury/sdk"
)

// Platform describes how an OS's command line behaves. Patterns are RE2;
// prompt, question and pager patterns match only at the end of the output
// read so far, error patterns match any one line of a command's output.
type Platform struct {
	// Prompt matches every prompt of the OS (unprivileged, privileged and
	// configuration modes), for example `(?m)^[\w.-]+(?:\([\w./-]+\))?[>#] ?`.
	Prompt string
	// Unprivileged matches a prompt from which Enable must be sent first
	// (e.g. `>\s*\z`); "" when the OS logs users in privileged.
	Unprivileged string
	// ConfigPrompt matches a prompt in any configuration mode.
	ConfigPrompt string
	// Enable raises privilege ("enable"); SecretPrompt matches the password
	// prompt it may show, answered with the device's "enable" secret.
	Enable       string
	SecretPrompt string
	// CommandSecret names the secret ("sudo") that answers SecretPrompt
	// when a command asks for it (sudo on a Linux-based OS), once per
	// command.
	CommandSecret string
	// Paging lines turn output paging off; the host sends them once on
	// each new shell. More matches a pager prompt left on anyway, which is
	// answered with a space.
	Paging []string
	More   string
	// ConfigEnter enters configuration mode; ConfigLeave returns to the
	// privileged prompt from any configuration mode. "" for an OS without
	// configuration mode, whose commands apply one by one.
	ConfigEnter string
	ConfigLeave string
	// Discard lines drop pending changes that were never committed (NVUE's
	// "nv config detach"); they are sent before a block and after one that
	// failed, so a change interrupted earlier is never applied later.
	Discard []string
	// Commit lines are sent in configuration mode after a block, for OSes
	// whose changes take effect only then; nil for OSes that apply each line.
	// A commit refused as busy (a Busy line: another session holds the
	// configuration database) is retried CommitRetries times, CommitBackoff
	// apart, before the operation fails with kind "busy" (sooner when the
	// operation's deadline comes first). RetryEnter retries ConfigEnter
	// the same way, for an OS whose configuration mode refuses entry while
	// another session holds a lock or uncommitted changes (Junos
	// "configure private"). CommitSaves says a commit also persists the
	// configuration (Junos): results then say saved.
	Commit        []string
	CommitRetries int
	CommitBackoff time.Duration
	RetryEnter    bool
	CommitSaves   bool
	// Save writes the running configuration to the startup configuration;
	// SaveOK, when set, must appear in its output.
	Save   []string
	SaveOK string
	// Confirm answers questions a command may ask before its prompt, such
	// as IOS's "Destination filename [startup-config]?".
	Confirm []Answer
	// Errors match an output line that means the device rejected the
	// command; Busy match one that means the configuration is locked by
	// another session (reported with kind "busy", so the caller may retry).
	Errors []string
	Busy   []string
	// Ignore match lines that look like errors but are notices, such as
	// IOS's "% Access VLAN does not exist. Creating vlan 10".
	Ignore []string
}

// Answer is the reply to a question matching Prompt.
type Answer struct {
	Prompt string
	Reply  string
}

// compiled holds a Platform's patterns, compiled once.
type compiled struct {
	p            Platform
	prompt       *regexp.Regexp
	unprivileged *regexp.Regexp
	config       *regexp.Regexp
	secret       *regexp.Regexp
	more         *regexp.Regexp
	saveOK       *regexp.Regexp
	confirm      []*regexp.Regexp
	errors       []*regexp.Regexp
	busy         []*regexp.Regexp
	ignore       []*regexp.Regexp
	readUntil    string // the pattern ReadUntil waits for: a prompt, a question or a pager
}

func compile(p Platform) (*compiled, error) {
	c := &compiled{p: p}
	var err error
	one := func(field, pat string) *regexp.Regexp {
		if pat == "" || err != nil {
			return nil
		}
		re, e := regexp.Compile(pat)
		if e != nil {
			err = fmt.Errorf("platform %s %q: %w", field, pat, e)
		}
		return re
	}
	if p.Prompt == "" {
		return nil, fmt.Errorf("platform has no prompt pattern")
	}
	if len(p.Errors) == 0 {
		return nil, errors.New("platform has no error patterns: a device's refusal of a command would pass unseen (list the OS's error texts in Errors, e.g. `^% Invalid input`)")
	}
	c.prompt = one("prompt", anchor(p.Prompt))
	c.unprivileged = one("unprivileged", anchor(p.Unprivileged))
	c.config = one("config_prompt", anchor(p.ConfigPrompt))
	c.secret = one("secret_prompt", anchor(p.SecretPrompt))
	c.more = one("more", anchor(p.More))
	c.saveOK = one("save_ok", p.SaveOK)
	alts := []string{p.Prompt}
	for _, a := range p.Confirm {
		c.confirm = append(c.confirm, one("confirm", anchor(a.Prompt)))
		alts = append(alts, a.Prompt)
	}
	for _, e := range p.Errors {
		c.errors = append(c.errors, one("errors", e))
	}
	for _, e := range p.Busy {
		c.busy = append(c.busy, one("busy", e))
	}
	for _, e := range p.Ignore {
		c.ignore = append(c.ignore, one("ignore", e))
	}
	if p.SecretPrompt != "" {
		alts = append(alts, p.SecretPrompt)
	}
	if p.More != "" {
		alts = append(alts, p.More)
	}
	if err != nil {
		return nil, err
	}
	c.readUntil = ""
	for i, a := range alts {
		if i > 0 {
			c.readUntil += "|"
		}
		c.readUntil += anchor(a)
	}
	return c, nil
}

// anchor makes a pattern match only at the end of the output: a prompt or
// a question is always the last thing a device prints before it waits.
func anchor(pat string) string {
	if pat == "" {
		return ""
	}
	return `(?:` + pat + `)\z`
}

// Shell is the abi.Shell a driver of this platform describes: the host
// keeps shells at Prompt, sends Paging once and ConfigLeave before pooling.
func (p Platform) Shell() *sdk.Shell {
	s := &sdk.Shell{Prompt: p.Prompt, Setup: p.Paging}
	if p.ConfigLeave != "" {
		s.Reset = []string{p.ConfigLeave}
	}
	return s
}
