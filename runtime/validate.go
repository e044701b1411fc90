package runtime

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/hostfuncs"
)

// wasiAllowed is the WASI subset a driver may import: what Go's wasip1
// runtime needs to start, print and read the clock and randomness. Files,
// directories and sockets (path_*, sock_*) are refused at load; the host
// gives the guest no preopened directories, arguments or environment anyway.
var wasiAllowed = []string{
	"args_get", "args_sizes_get", "environ_get", "environ_sizes_get",
	"clock_res_get", "clock_time_get", "fd_close", "fd_fdstat_get",
	"fd_fdstat_set_flags", "fd_prestat_get", "fd_prestat_dir_name",
	"fd_read", "fd_seek", "fd_write", "poll_oneoff", "proc_exit",
	"random_get", "sched_yield",
}

var (
	none = []api.ValueType{}
	i32  = []api.ValueType{api.ValueTypeI32}
)

// requiredExports are the guest exports and their exact signatures.
var requiredExports = []struct {
	name            string
	params, results []api.ValueType
}{
	{abi.ExportInitialize, none, none},
	{abi.ExportABIVersion, none, i32},
	{abi.ExportInvoke, []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, i32},
}

// validateModule checks a compiled module's imports, exports and memory.
// Every problem is reported, not only the first.
func validateModule(cm wazero.CompiledModule, memLimitPages uint32) []string {
	var problems []string
	sigs := hostfuncs.Signatures()
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch mod {
		case abi.HostModule:
			sig, ok := sigs[name]
			if !ok {
				problems = append(problems, fmt.Sprintf("imports %s.%s, which the host does not provide (ABI v%d has %s)", mod, name, abi.Version, strings.Join(abi.HostFuncs, ", ")))
				continue
			}
			if !slices.Equal(f.ParamTypes(), sig[0]) || !slices.Equal(f.ResultTypes(), sig[1]) {
				problems = append(problems, fmt.Sprintf("imports %s.%s with signature %s, want %s", mod, name, signature(f.ParamTypes(), f.ResultTypes()), signature(sig[0], sig[1])))
			}
		case abi.WASIModule:
			if !slices.Contains(wasiAllowed, name) {
				problems = append(problems, fmt.Sprintf("imports %s.%s: drivers get no files, directories or sockets (allowed WASI functions: %s)", mod, name, strings.Join(wasiAllowed, ", ")))
			}
		default:
			problems = append(problems, fmt.Sprintf("imports %s.%s from unknown module %q: drivers may import only %q and the WASI subset", mod, name, mod, abi.HostModule))
		}
	}
	for _, m := range cm.ImportedMemories() {
		mod, name, _ := m.Import()
		problems = append(problems, fmt.Sprintf("imports memory %s.%s: a driver must define its own memory", mod, name))
	}
	exports := cm.ExportedFunctions()
	for _, want := range requiredExports {
		f, ok := exports[want.name]
		if !ok {
			problems = append(problems, fmt.Sprintf("does not export %s%s (build with -buildmode=c-shared and import the Mercury SDK)", want.name, signature(want.params, want.results)))
			continue
		}
		if !slices.Equal(f.ParamTypes(), want.params) || !slices.Equal(f.ResultTypes(), want.results) {
			problems = append(problems, fmt.Sprintf("exports %s%s, want %s%s", want.name, signature(f.ParamTypes(), f.ResultTypes()), want.name, signature(want.params, want.results)))
		}
	}
	mem, ok := cm.ExportedMemories()[abi.ExportMemory]
	if !ok {
		problems = append(problems, fmt.Sprintf("does not export its linear memory as %q", abi.ExportMemory))
	} else if mem.Min() > memLimitPages {
		problems = append(problems, fmt.Sprintf("needs %d MiB of memory at start, over the cap of %d MiB", mem.Min()/16, memLimitPages/16))
	}
	return problems
}

func signature(params, results []api.ValueType) string {
	names := func(ts []api.ValueType) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = api.ValueTypeName(t)
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("(%s) -> (%s)", names(params), names(results))
}

// validateDescription checks what a driver's describe returned.
func validateDescription(name string, d abi.Description) []string {
	var problems []string
	if d.Name != name {
		problems = append(problems, fmt.Sprintf("describes itself as %q but its file is named %s.wasm: rename one so they agree", d.Name, name))
	}
	if d.Version == "" {
		problems = append(problems, "describe returned no version")
	}
	for _, p := range []struct{ what, re string }{{"port_pattern", d.PortPattern}, {"lag_pattern", d.LAGPattern}} {
		if _, err := regexp.Compile(p.re); err != nil {
			problems = append(problems, fmt.Sprintf("describe: %s %q does not compile: %v", p.what, p.re, err))
		}
	}
	if d.PortPattern == "" {
		problems = append(problems, "describe returned no port_pattern: the host could not validate port names before any device I/O")
	}
	switch d.Session {
	case "exec":
	case "interactive":
		if d.Shell == nil || d.Shell.Prompt == "" {
			problems = append(problems, "an interactive driver must describe its shell prompt (shell.prompt)")
		} else if _, err := regexp.Compile(d.Shell.Prompt); err != nil {
			problems = append(problems, fmt.Sprintf("describe: shell.prompt %q does not compile: %v", d.Shell.Prompt, err))
		}
	default:
		problems = append(problems, fmt.Sprintf("describe: session %q is neither \"exec\" nor \"interactive\"", d.Session))
	}
	for _, op := range d.Operations {
		if !slices.Contains(abi.Ops, op) {
			problems = append(problems, fmt.Sprintf("describe lists unknown operation %q", op))
		}
	}
	return problems
}
