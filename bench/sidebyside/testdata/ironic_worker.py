#!/usr/bin/python3
"""Time update_port calls through Ironic's own JSON-RPC client
(python3-ironic's ironic_lib), as a conductor makes them.

usage: ironic_worker.py PORT USER PASSWORD SWITCH_ID PORT_NAME
Reads one VLAN per line from stdin, calls update_port to put PORT_NAME in
that access VLAN and answers one JSON line: {"ms": ..., "result": {...}} or
{"error": "module.Class: message"}. Only the call is timed; start-up,
imports and client set-up are not.
"""
import json
import sys
import time
import uuid

from oslo_config import cfg
from oslo_context import context as ctx_mod
from ironic_lib.json_rpc import client

port, user, password, switch_id, port_name = sys.argv[1:6]
CONF = cfg.CONF
CONF([], project='mercury-bench', default_config_files=[])
CONF.set_override('auth_strategy', 'http_basic', group='json_rpc')
CONF.set_override('port', int(port), group='json_rpc')
CONF.set_override('http_basic_username', user, group='json_rpc')
CONF.set_override('http_basic_password', password, group='json_rpc')


class Serializer:
    """Stands in for ironic.objects.base.IronicObjectSerializer (primitives only)."""

    def serialize_entity(self, context, entity):
        return entity

    def deserialize_entity(self, context, entity):
        return entity


cctx = client.Client(Serializer(), version_cap='1.0').prepare(topic='ironic.127.0.0.1', version='1.0')
for line in sys.stdin:
    ctx = ctx_mod.RequestContext(request_id='req-' + str(uuid.uuid4()), user_id='conductor')
    kwargs = dict(switch_id=switch_id, port_name=port_name, description=None,
                  mode='access', native_vlan=int(line), allowed_vlans=None, lag_name=None,
                  default_vlan=None)
    try:
        t0 = time.perf_counter()
        result = cctx.call(ctx, 'update_port', **kwargs)
        ms = (time.perf_counter() - t0) * 1000
        print(json.dumps({'ms': ms, 'result': result}), flush=True)
    except Exception as e:  # reported to the test, which fails
        print(json.dumps({'error': '%s.%s: %s' % (type(e).__module__, type(e).__name__, e)}), flush=True)
