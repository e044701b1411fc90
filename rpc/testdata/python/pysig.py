#!/usr/bin/python3
"""Print the TypeError texts CPython gives for keyword calls of Ironic's
NetworkingManager signatures, to check rpc's emulation of them.

Reads JSON lines [method, [keys...]] on stdin and prints one JSON string
per line: the TypeError text, or "" when the call binds.

update_port and update_lag sit behind a decorator shaped like Ironic's
validate_vlan_configuration: functools.wraps over
wrapper(self, context, *args, **kwargs), which binds with
inspect.signature(func).bind before calling.
"""
import functools
import inspect
import json
import sys


def validate(func):
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(self, context, *args, **kwargs):
        sig.bind(self, context, *args, **kwargs)
        return None
    return wrapper


class NetworkingManager:
    @validate
    def update_port(self, context, switch_id, port_name, description, mode, native_vlan,
                    allowed_vlans=None, default_vlan=None, lag_name=None):
        pass

    def reset_port(self, context, switch_id, port_name, native_vlan, allowed_vlans=None, default_vlan=None):
        pass

    @validate
    def update_lag(self, context, switch_ids, lag_name, description, mode, native_vlan,
                   aggregation_mode, allowed_vlans=None, default_vlan=None):
        pass

    def delete_lag(self, context, switch_ids, lag_name):
        pass

    def get_switches(self, context):
        pass


m = NetworkingManager()
for line in sys.stdin:
    method, keys = json.loads(line)
    try:
        getattr(m, method)(**{k: None for k in keys})
        print(json.dumps(""))
    except TypeError as exc:
        print(json.dumps(str(exc)))
