#!/usr/bin/python3
"""Time netmiko (Debian python3-netmiko) doing what networking-generic-switch
does per operation: connect, send the commands, disconnect.

usage: netmiko_worker.py HOST PORT USER LOGIN READ_CMD SET_CMD_WITH_{vlan}
LOGIN is password:PASSWORD or key:KEY_FILE.
Reads one line per operation from stdin, "default VLAN" or "fast VLAN"
(fast_cli=False or True), and answers one JSON line:
{"ms": total, "cpu_ms": this process's CPU time, "out": output of READ_CMD} or {"error": "..."}.
Only the operation is timed; start-up and imports are not.
"""
import json
import sys
import time

from netmiko import ConnectHandler

host, port, user, login, read_cmd, set_cmd = sys.argv[1:7]
kind, _, secret = login.partition(':')
if kind == 'key':
    auth = dict(use_keys=True, key_file=secret)
else:
    auth = dict(password=secret, use_keys=False)

for line in sys.stdin:
    mode, vlan = line.split()
    dev = dict(device_type='linux', host=host, port=int(port), username=user, allow_agent=False,
               fast_cli=(mode == 'fast'), **auth)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        conn = ConnectHandler(**dev)
        out = conn.send_command(read_cmd)
        conn.send_command(set_cmd.replace('{vlan}', vlan))
        conn.disconnect()
        ms, cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        print(json.dumps({'ms': ms, 'cpu_ms': cpu_ms, 'out': out}), flush=True)
    except Exception as e:  # reported to the test, which fails
        print(json.dumps({'error': '%s: %s' % (type(e).__name__, e)}), flush=True)
