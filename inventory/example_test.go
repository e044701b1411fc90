package inventory_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/openmercury/mercury/inventory"
)

func ExampleConfig_FindSwitch() {
	dir, err := os.MkdirTemp("", "mercury-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"tor-1.key":   "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----\n",
		"known_hosts": "192.0.2.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleExample\n",
		"mercury.yaml": `
server:
  known_hosts: known_hosts
  denied_vlans: 4000-4094
devices:
  - name: tor-1
    mac: aa:bb:cc:00:00:01
    driver: cisco-nxos
    address: 192.0.2.10
    username: mercury
    key_file: tor-1.key
    idle_vlan: 10
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			panic(err)
		}
	}

	// The service passes os.Environ() so MERCURY_SERVER__* overrides apply.
	cfg, err := inventory.Load(filepath.Join(dir, "mercury.yaml"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	// Ironic sends only switch_id: the switch's chassis MAC, in any case.
	d, ok := cfg.FindSwitch("AA:BB:CC:00:00:01")
	fmt.Println(ok, d.Name, d.Driver, d.Address, d.Port, d.IdleVLAN)
	fmt.Println(cfg.CheckVLAN(d.Name, 100))
	fmt.Println(cfg.CheckVLAN(d.Name, 4001))
	// Output:
	// true tor-1 cisco-nxos 192.0.2.10 22 10
	// <nil>
	// tor-1: VLAN 4001 is in server.denied_vlans (4000-4094)
}
