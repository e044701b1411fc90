package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	koanfyaml "github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/v2"

	"github.com/openmercury/mercury/fault"
)

// EnvPrefix starts every environment variable that overrides a server
// setting. Levels are separated by two underscores and names are
// case-insensitive: MERCURY_SERVER__LISTEN sets server.listen,
// MERCURY_SERVER__TLS__CERT_FILE sets server.tls.cert_file. Devices cannot
// be set from the environment.
const EnvPrefix = "MERCURY_"

// Load reads the configuration at path, applies the overrides found in
// environ (pass os.Environ(); see EnvPrefix), and validates all of it.
//
// The file is YAML, or an NGS / Ironic ini file when its name ends in .ini,
// .conf or .cfg, or when its first line that is not blank or a comment
// starts with '['. Relative paths written in the file or in an override are
// resolved against the file's directory.
//
// Load is a pure function of the files and environ: call it again to
// reload, and keep the old Config if it fails. Secret files are checked
// (present, mode 0600 or 0400) but not read; see Device.ReadSecrets.
//
// On failure the error is a *fault.Error of kind Invalid wrapping a
// *LoadError that lists every problem found (kind NotFound when the file is
// missing). Warnings of a successful load are in Config.Warnings.
func Load(path string, environ []string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		k := fault.Invalid
		if errors.Is(err, fs.ErrNotExist) {
			k = fault.NotFound
		}
		return nil, fault.Wrap(k, err, "cannot read the configuration")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "cannot resolve the configuration's path")
	}
	dir := filepath.Dir(abs)

	r := newReport()
	yamlData := data
	if IsINI(path, data) {
		conv := convertINI(data)
		r.problems = append(r.problems, conv.problems...)
		maps.Copy(r.origins, conv.origins)
		maps.Copy(r.suppressed, conv.suppressed)
		if yamlData, err = marshalYAML(conv.file, nil, ""); err != nil {
			return nil, fault.Wrap(fault.Internal, err, "translating %s", path)
		}
	}

	k := koanf.New(".")
	if err := k.Load(rawbytes.Provider(yamlData), koanfyaml.Parser()); err != nil {
		r.add(Error, "(file)", "", "", "is not valid YAML: "+strings.TrimPrefix(err.Error(), "yaml: "),
			"correct the syntax at that line (indent with spaces, quote values with ':' or '#')")
		return nil, r.failure(path)
	}
	if err := k.Load(env.Provider(".", env.Opt{
		Prefix:        EnvPrefix,
		TransformFunc: r.envKey,
		EnvironFunc:   func() []string { return slices.Clone(environ) },
	}), nil); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "reading %s overrides", EnvPrefix)
	}

	srv, devices := decode(r, k.Raw(), dir)
	for _, p := range srv.Auth.Callers {
		for j, name := range p.Devices {
			if !slices.ContainsFunc(devices, func(d Device) bool { return d.Name == name }) {
				key := fmt.Sprintf("server.auth.callers[%d].devices[%d]", p.Index, j)
				r.add(Error, key, key, show(name), "is not a device of this inventory", "write the name of a device under devices:")
			}
		}
	}
	if r.errorCount() > 0 {
		return nil, r.failure(path)
	}
	c := &Config{
		path:     path,
		server:   srv,
		devices:  devices,
		byName:   map[string]int{},
		byMAC:    map[string]int{},
		warnings: r.problems,
	}
	for i, d := range devices {
		c.byName[d.Name] = i
		if d.MAC != "" {
			c.byMAC[d.MAC] = i
		}
	}
	return c, nil
}

func (r *report) failure(path string) error {
	return fault.Wrap(fault.Invalid, &LoadError{Path: path, Problems: r.problems}, "")
}

// envKey maps MERCURY_SERVER__TLS__CERT_FILE to server.tls.cert_file and
// records where the value came from. Variables with the prefix that are
// not overrides (no "__", not SERVER) are left alone for other tools;
// names that look like a mistyped override are reported.
func (r *report) envKey(name, value string) (string, any) {
	rest := strings.TrimPrefix(name, EnvPrefix)
	upper := strings.ToUpper(rest)
	switch {
	case !strings.HasPrefix(upper, "SERVER") && !strings.Contains(rest, "__"):
		return "", nil
	case !strings.HasPrefix(upper, "SERVER"):
		r.add(Error, name, "", "", "only server settings can be overridden from the environment", "set it in the configuration file")
		return "", nil
	case !strings.HasPrefix(upper, "SERVER__"):
		fix := "separate levels with two underscores, as in MERCURY_SERVER__LISTEN"
		if after, ok := strings.CutPrefix(upper, "SERVER_"); ok && after != "" {
			fix = "separate levels with two underscores, as in " + EnvPrefix + "SERVER__" + after
		}
		r.add(Error, name, "", "", "is not an override name", fix)
		return "", nil
	}
	parts := strings.Split(strings.ToLower(rest), "__")
	if slices.Contains(parts, "") {
		r.add(Error, name, "", "", "has an empty level", "separate levels with exactly two underscores")
		return "", nil
	}
	key := strings.Join(parts, ".")
	r.origins[key] = origin{text: name}
	return key, value
}

// IsINI reports whether Load reads the file at path, holding data, as an ini
// file rather than YAML.
func IsINI(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ini", ".conf", ".cfg":
		return true
	case ".yaml", ".yml":
		return false
	}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' || line[0] == ';' {
			continue
		}
		return line[0] == '['
	}
	return false
}

// TranslateINI translates an NGS or Ironic ini file to Mercury's YAML, for
// operators who migrate. The result carries a comment naming the section
// each device came from. Inline passwords become password_file (and
// enable_secret_file) paths under /etc/mercury/secrets/ that the operator
// must create. problems lists everything that could not be translated
// exactly (the checks Load makes on the result are not repeated here); err
// is set only when the file cannot be read.
func TranslateINI(path string) (yaml []byte, problems []Problem, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		k := fault.Invalid
		if errors.Is(err, fs.ErrNotExist) {
			k = fault.NotFound
		}
		return nil, nil, fault.Wrap(k, err, "cannot read the configuration")
	}
	conv := convertINI(data)
	header := fmt.Sprintf("Translated from %s by mercury config check --print-yaml.\nReview it: see docs/configuration.md, \"Migrating from NGS or Ironic\".", filepath.Base(path))
	out, err := marshalYAML(conv.file, conv.comments, header)
	if err != nil {
		return nil, nil, fault.Wrap(fault.Internal, err, "translating %s", path)
	}
	return out, conv.problems, nil
}
