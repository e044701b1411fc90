#!/usr/bin/python3
"""Call Mercury with Ironic's own JSON-RPC client (python3-ironic's ironic_lib).

usage: ironic_call.py PORT USER PASSWORD METHOD KWARGS_JSON
Prints one JSON line: {"result": ...} or {"exception": "module.Class", "message": "..."}.
"""
import json
import sys

from oslo_config import cfg
from oslo_context import context as ctx_mod
from ironic_lib.json_rpc import client

port, user, password, method, kwargs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
CONF = cfg.CONF
CONF([], project='mercury-e2e', default_config_files=[])
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


ctx = ctx_mod.RequestContext(request_id='req-5717aff0-029f-491b-bdf2-00971eb928fe', user_id='conductor')
cctx = client.Client(Serializer(), version_cap='1.0').prepare(topic='ironic.127.0.0.1', version='1.0')
try:
    print(json.dumps({'result': cctx.call(ctx, method, **kwargs)}))
except BaseException as e:  # the test asserts the exact class
    print(json.dumps({'exception': type(e).__module__ + '.' + type(e).__name__, 'message': str(e)}))
