package topo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/openmercury/mercury/fault"
)

// ovsSchema is the Open vSwitch database schema Debian installs.
const ovsSchema = "/usr/share/openvswitch/vswitch.ovsschema"

// ovsReady bounds how long each OVS daemon gets to come up.
const ovsReady = 20 * time.Second

// Bridge is the name of the bridge every OVS switch of the harness has.
const Bridge = "br0"

// ovs is a private Open vSwitch: its own ovsdb-server and ovs-vswitchd
// running inside a namespace, with database, sockets, control sockets and
// logs in dir, and a bridge br0 on the userspace (netdev) datapath, the
// only one this kernel has.
type ovs struct {
	ns  *Netns
	dir string
	db  *proc // ovsdb-server
}

// startOVS starts the daemons in ns with their files in dir.
func (l *Lab) startOVS(ns *Netns, dir string) (*ovs, error) {
	o := &ovs{ns: ns, dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "OVS directory")
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	if _, err := run(exec.CommandContext(ctx, "ovsdb-tool", "create", filepath.Join(dir, "conf.db"), ovsSchema)); err != nil {
		return nil, err
	}
	// Everything OVS would put in /var/run/openvswitch, /var/log or /etc
	// goes to dir instead, so switches on the machine cannot meet.
	env := []string{"OVS_RUNDIR=" + dir, "OVS_LOGDIR=" + dir, "OVS_DBDIR=" + dir, "OVS_SYSCONFDIR=" + dir}
	sock := filepath.Join(dir, "db.sock")
	dbLog := filepath.Join(dir, "ovsdb-server.log")
	db, err := l.start(ns, dbLog, env, "ovsdb-server", filepath.Join(dir, "conf.db"),
		"--remote=punix:"+sock, "--unixctl="+filepath.Join(dir, "ovsdb-server.ctl"),
		"--log-file="+dbLog, "-vconsole:off")
	if err != nil {
		return nil, err
	}
	o.db = db
	if err := db.waitFor("database socket "+sock, ovsReady, func() bool {
		_, err := os.Stat(sock)
		return err == nil
	}); err != nil {
		return nil, err.WithDevice(ns.name)
	}
	if _, err := o.vsctl(ctx, "--no-wait", "init"); err != nil {
		return nil, err
	}
	swLog := filepath.Join(dir, "ovs-vswitchd.log")
	if _, err := l.start(ns, swLog, env, "ovs-vswitchd", o.DB(),
		"--unixctl="+filepath.Join(dir, "ovs-vswitchd.ctl"),
		"--log-file="+swLog, "-vconsole:off"); err != nil {
		return nil, err
	}
	// Without --no-wait, ovs-vsctl returns once ovs-vswitchd has applied
	// the change, which also proves the daemon is up.
	if _, err := o.vsctl(ctx, "add-br", Bridge, "--", "set", "bridge", Bridge, "datapath_type=netdev"); err != nil {
		return nil, err
	}
	return o, nil
}

// DB is the database address to give ovs-vsctl: "unix:<dir>/db.sock".
func (o *ovs) DB() string { return "unix:" + filepath.Join(o.dir, "db.sock") }

// vsctl runs ovs-vsctl against this switch's database from the root
// namespace (the database is a unix socket, so the namespace is irrelevant).
func (o *ovs) vsctl(ctx context.Context, args ...string) (string, error) {
	argv := append([]string{"--db=" + o.DB(), "--timeout=20"}, args...)
	out, err := exec.CommandContext(ctx, "ovs-vsctl", argv...).CombinedOutput()
	if err != nil {
		return string(out), fault.Wrap(fault.Device, err, "ovs-vsctl %s: %s", strings.Join(args, " "), strings.TrimSpace(string(out))).WithDevice(o.ns.name)
	}
	return strings.TrimSpace(string(out)), nil
}

// appctl runs ovs-appctl against this switch's ovs-vswitchd.
func (o *ovs) appctl(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	argv := append([]string{"-t", filepath.Join(o.dir, "ovs-vswitchd.ctl"), "--timeout=20"}, args...)
	out, err := exec.CommandContext(ctx, "ovs-appctl", argv...).CombinedOutput()
	if err != nil {
		return string(out), fault.Wrap(fault.Device, err, "ovs-appctl %s: %s", strings.Join(args, " "), strings.TrimSpace(string(out))).WithDevice(o.ns.name)
	}
	return strings.TrimSpace(string(out)), nil
}
