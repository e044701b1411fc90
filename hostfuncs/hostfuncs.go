package hostfuncs

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
)

type hostFunc struct {
	name    string
	params  []api.ValueType
	results []api.ValueType
	fn      func(ctx context.Context, m api.Module, stack []uint64)
}

var i32 = api.ValueTypeI32

// functions lists every export of the host module in specification order
// (abi.HostFuncs). A test checks that the two lists agree.
func functions() []hostFunc {
	return []hostFunc{
		{abi.FuncInputRead, []api.ValueType{i32, i32}, []api.ValueType{i32}, inputRead},
		{abi.FuncOutputWrite, []api.ValueType{i32, i32}, []api.ValueType{i32}, outputWrite},
		{abi.FuncResultRead, []api.ValueType{i32, i32, i32}, []api.ValueType{i32}, resultRead},
		{abi.FuncLog, []api.ValueType{i32, i32, i32}, []api.ValueType{i32}, logMessage},
		{abi.FuncDeviceSetting, []api.ValueType{i32, i32, i32}, []api.ValueType{i32}, deviceSetting},
		{abi.FuncSessionOpen, []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}, sessionOpen},
		{abi.FuncSessionExec, []api.ValueType{i32, i32, i32, i32, i32, i32}, []api.ValueType{i32}, sessionExec},
		{abi.FuncSessionSend, []api.ValueType{i32, i32, i32}, []api.ValueType{i32}, sessionSend},
		{abi.FuncSessionSendSecret, []api.ValueType{i32, i32, i32}, []api.ValueType{i32}, sessionSendSecret},
		{abi.FuncSessionReadUntil, []api.ValueType{i32, i32, i32, i32, i32}, []api.ValueType{i32}, sessionReadUntil},
		{abi.FuncSessionClose, []api.ValueType{i32}, []api.ValueType{i32}, sessionClose},
		{abi.FuncSleepMS, []api.ValueType{i32}, []api.ValueType{i32}, sleepMS},
	}
}

// Signatures returns each host function's parameter and result types by
// name, for the runtime's load-time validation of a driver's imports.
func Signatures() map[string][2][]api.ValueType {
	out := make(map[string][2][]api.ValueType)
	for _, f := range functions() {
		out[f.name] = [2][]api.ValueType{f.params, f.results}
	}
	return out
}

// Instantiate defines and instantiates the host module "mercury" in r.
func Instantiate(ctx context.Context, r wazero.Runtime) (api.Module, error) {
	b := r.NewHostModuleBuilder(abi.HostModule)
	for _, f := range functions() {
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(f.fn), f.params, f.results).
			WithName(f.name).
			Export(f.name)
	}
	m, err := b.Instantiate(ctx)
	if err != nil {
		return nil, fmt.Errorf("instantiate host module %q: %w", abi.HostModule, err)
	}
	return m, nil
}
