package hostfuncs

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/openmercury/mercury/abi"
	"github.com/openmercury/mercury/fault"
)

// deviceSetting looks up a non-secret setting of the call's device and puts
// its value in the result buffer.
//
//	device_setting(key_ptr, key_len, out_len_ptr i32) -> errno
func deviceSetting(ctx context.Context, m api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		stack[0] = noCall()
		return
	}
	kp, kn, outLen := api.DecodeU32(stack[0]), api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	if kn > abi.MaxSettingKey {
		stack[0] = fail(m, c, abi.FuncDeviceSetting, abi.ErrnoTooBig,
			fault.New(fault.Invalid, "setting key of %d bytes exceeds the cap of %d", kn, abi.MaxSettingKey), outLen)
		return
	}
	key := string(read(m, abi.FuncDeviceSetting, kp, kn))
	var v string
	found := false
	if c.opts.Settings != nil {
		v, found = c.opts.Settings.Setting(key)
	}
	if !found {
		stack[0] = fail(m, c, abi.FuncDeviceSetting, abi.ErrnoNotFound,
			fault.New(fault.NotFound, "device %s has no setting %q", c.opts.Device, key), outLen)
		return
	}
	c.setResult([]byte(v))
	writeU32(m, abi.FuncDeviceSetting, outLen, uint32(len(v)))
	stack[0] = ok()
}
