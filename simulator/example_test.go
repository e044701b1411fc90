package simulator_test

import (
	"fmt"
	"log"

	"golang.org/x/crypto/ssh"

	"github.com/openmercury/mercury/simulator"
)

// A device answers an exec request like the switch it simulates, and its
// state can be read back directly.
func Example() {
	sim := simulator.NewServer(nil)
	defer sim.Close()
	dev, err := sim.Add(simulator.DeviceSpec{Name: "leaf-1", Platform: "cisco-nxos", Ports: []string{"Ethernet1/1", "Ethernet1/2"}})
	if err != nil {
		log.Fatal(err)
	}
	client, err := ssh.Dial("tcp", dev.Addr(), &ssh.ClientConfig{
		User:            "admin",
		Auth:            []ssh.AuthMethod{ssh.Password("admin")},
		HostKeyCallback: ssh.FixedHostKey(dev.HostKey()),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.Output("show vlan brief")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out))
	fmt.Println(dev.State().Running.Ports["Ethernet1/2"].AccessVLAN)
	// Output:
	//
	// VLAN Name                             Status    Ports
	// ---- -------------------------------- --------- -------------------------------
	// 1    default                          active    Eth1/1, Eth1/2
	// 1
}
