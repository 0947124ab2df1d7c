"""`patch_module_args` on every supported ansible-core.

ansible-core 2.19 added `ansible.module_utils.testing.patch_module_args`; on 2.17 and 2.18 the same is done by
handing `AnsibleModule` its JSON arguments through `basic._ANSIBLE_ARGS`, as ansible-core's own tests did then.
"""

import contextlib
import json
from unittest import mock

__all__ = ["patch_module_args"]

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core 2.17, 2.18
    from ansible.module_utils import basic as _basic

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Expose ``args`` to the `AnsibleModule` instances created within this context."""
        if not isinstance(args, (dict, type(None))):
            raise TypeError("The `args` arg must be a dict or None.")
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        with mock.patch.object(_basic, "_ANSIBLE_ARGS", payload):
            yield
