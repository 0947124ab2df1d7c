# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report_html: write report.html beside report.md and report.json."""

from __future__ import annotations

import os

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import atomic_write
from ansible_collections.facturino.release.plugins.module_utils.common.validate import check_count, check_path
from ansible_collections.facturino.release.plugins.module_utils.report.html import build_html
from ansible_collections.facturino.release.plugins.module_utils.report.shape import check_report


def report_argument_spec():
    return dict(
        report=dict(type="dict", required=True),
        background=dict(type="list", elements="dict", default=[]),
        dest=dict(type="path", required=True),
        max_screenshot_bytes=dict(type="int", default=2 * 1024 * 1024),
        mode=dict(type="raw", default="0644"),
    )


def write_report(params, check_mode):
    dest = check_path("dest", params["dest"], required=True)
    check_count("max_screenshot_bytes", params["max_screenshot_bytes"], unit="bytes")
    mode = params["mode"]
    try:
        mode = int(mode, 8) if isinstance(mode, str) else int(mode)
    except (TypeError, ValueError):
        raise InvalidInputError("mode %r is not an octal file mode" % (mode,), hint="write it like '0644'")
    if isinstance(params["mode"], bool) or not 0 <= mode <= 0o7777:
        raise InvalidInputError("mode %r is not a file mode" % (params["mode"],), hint="write it like '0644'")
    check_report(params["report"], params["background"])
    if not os.path.isdir(os.path.dirname(dest) or "."):
        raise InvalidInputError("the directory of dest %s does not exist" % dest,
                                hint="write report.md/report.json first, or create the report directory")
    page = build_html(params["report"], params["background"], params["max_screenshot_bytes"])
    changed = atomic_write(dest, page, mode=mode, check_mode=check_mode)
    return {"changed": changed, "dest": dest, "bytes": len(page.encode("utf-8")),
            "msg": "%s %s" % ("would write" if check_mode and changed else ("wrote" if changed else "unchanged"), dest)}
