// Package inventory is Mercury's configuration: the server's settings and
// the devices it may change, loaded from one YAML file (or an existing NGS
// [genericswitch:NAME] / Ironic [switch:NAME] ini file) with environment
// overrides for server settings, and validated as a whole.
//
// Load returns an immutable *Config or every problem it found, each naming
// the key, the value and the fix. Lookups (Device, FindSwitch), the VLAN
// policy (VLANSet, CheckVLAN) and the non-secret settings a driver may read
// (Device.Setting) work on that value; credentials are read from their
// files only when asked (Device.ReadSecrets) and never printed.
//
// It is not the service: it opens no connection, takes no lock, loads no
// driver and watches no file. Reloading is calling Load again and keeping
// the old Config when that fails. The keys are documented in
// docs/configuration.md.
package inventory
