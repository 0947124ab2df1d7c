# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The thin layer between AnsibleModule and the wings: library guards and error-to-fail_json."""

from __future__ import annotations

import importlib.util
import traceback
import urllib.parse

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.facturino.release.plugins.module_utils.common.errors import FacturinoError
from ansible_collections.facturino.release.plugins.module_utils.common.validate import url_password


def has_library(import_name):
    """True when ``import_name`` can be imported; the import itself stays lazy (saves ~100 ms a task)."""
    try:
        return importlib.util.find_spec(import_name) is not None
    except (ImportError, ValueError):
        return False


def require_libraries(module, *libraries):
    """Fail with ``missing_required_lib`` for the first missing ``(import_name, pip_name)`` pair."""
    for import_name, pip_name in libraries:
        if not has_library(import_name):
            module.fail_json(msg=missing_required_lib(pip_name))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def hide_url_passwords(module):
    """Every password inside a URL-looking option value joins the no_log values, split the way
    ``common.validate.mask_url`` splits it, so it is masked even in a URL that does not parse."""
    for text in _strings(module.params):
        if "://" in text and "@" in text:
            password = url_password(text)
            if password:
                module.no_log_values.add(password)
                decoded = urllib.parse.unquote(password)
                if decoded != password:
                    module.no_log_values.add(decoded)


def run_module(module, handler):
    """Run ``handler(module) -> result dict``; turn collection errors into ``fail_json`` with partial results."""
    try:
        hide_url_passwords(module)
        result = handler(module)
    except FacturinoError as error:
        module.fail_json(msg=str(error), **error.result)
    except Exception as error:  # pylint: disable=broad-except
        module.fail_json(
            msg="unexpected %s: %s (please report this as a bug)" % (type(error).__name__, error),
            exception=traceback.format_exc(),
        )
    module.exit_json(**result)
