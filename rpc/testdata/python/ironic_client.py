#!/usr/bin/python3
"""Call a JSON-RPC server the way an Ironic conductor does, with the client
Debian's python3-ironic uses (ironic_lib.json_rpc.client, ironic-lib 5.3.0).

usage: ironic_client.py PORT noauth|http_basic USER PASSWORD CASE...

Prints one JSON line per case: {"case", "result"} or {"case", "raised",
"code", "message"}, where raised is the module-qualified exception class.
"""
import json
import sys

from oslo_config import cfg
from oslo_context import context as ctx_mod
from ironic_lib.json_rpc import client

port, strategy, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
CONF = cfg.CONF
CONF([], project='mercury-rpc-test', default_config_files=[])
CONF.set_override('auth_strategy', strategy, group='json_rpc')
CONF.set_override('port', port, group='json_rpc')
CONF.set_override('timeout', 30, group='json_rpc')
if strategy == 'http_basic':
    CONF.set_override('http_basic_username', user, group='json_rpc')
    CONF.set_override('http_basic_password', password, group='json_rpc')


class Serializer:  # stands in for IronicObjectSerializer; the networking RPCs carry primitives
    def serialize_entity(self, ctx, entity):
        return entity

    def deserialize_entity(self, ctx, entity):
        return entity


ctx = ctx_mod.RequestContext(request_id='req-11111111-2222-3333-4444-555555555555',
                             user_id='conductor', project_id='svc', auth_token='SECRET-TOKEN')
cctx = client.Client(Serializer(), version_cap='1.0').prepare(topic='mercury.127.0.0.1', version='1.0')


def update_port(port_name, **over):
    kw = dict(switch_id='aa:bb:cc:dd:ee:01', port_name=port_name, description='Ironic Port 1', mode='access',
              native_vlan=200, allowed_vlans=None, lag_name=None, default_vlan=123)
    kw.update(over)
    return cctx.call(ctx, 'update_port', **kw)


CASES = {
    'update_port': lambda: update_port('Ethernet1/1'),
    'invalid': lambda: update_port('invalid'),
    'not_found': lambda: update_port('not_found'),
    'network_error': lambda: update_port('device_error'),
    'vlan_string': lambda: update_port('Ethernet1/1', native_vlan='100'),
    'reset_port': lambda: cctx.call(ctx, 'reset_port', switch_id='aa:bb:cc:dd:ee:01', port_name='Ethernet1/2',
                                    native_vlan=None, allowed_vlans=[10, 20], default_vlan=123),
    'get_switches': lambda: cctx.call(ctx, 'get_switches'),
    'unknown_method': lambda: cctx.call(ctx, 'nope'),
    'bad_kwarg': lambda: cctx.call(ctx, 'reset_port', switch_id='s', port_name='p', native_vlan=1, bogus=1),
    'cast': lambda: cctx.cast(ctx, 'reset_port', switch_id='s', port_name='cast', native_vlan=1,
                              allowed_vlans=None, default_vlan=None),
}

for case in sys.argv[5:]:
    try:
        out = {'case': case, 'result': CASES[case]()}
    except Exception as exc:
        out = {'case': case, 'raised': type(exc).__module__ + '.' + type(exc).__name__,
               'code': getattr(exc, 'code', None), 'message': str(exc)}
    print(json.dumps(out), flush=True)
