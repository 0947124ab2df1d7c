# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run's report files (report.md, report.json, ...): each written whole through ``common/fileio``.

A file whose content is unchanged is not rewritten; every content ends with a newline. Nothing is written before
every file has been checked, so bad input leaves no report half-written.
"""

from __future__ import annotations

import json
import os
import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError, StateFileError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import atomic_write

MODE = re.compile(r"^0?[0-7]{3}$")


def file_mode(value, where):
    text = str(value)
    if not MODE.match(text):
        raise InvalidInputError("%s: mode must be an octal string such as '0640', got %r" % (where, value),
                                hint="quote the mode in YAML, e.g. mode: '0640'")
    return int(text, 8)


def render_json(data):
    """``data`` as JSON text: indented by 2, keys sorted, non-ASCII kept as it is."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def checked(files):
    """[(path, bytes, mode)] from the module's ``files`` option, or InvalidInputError naming the bad item."""
    if not files:
        raise InvalidInputError("files is empty: report_write has nothing to write",
                                hint="pass files: [{path, content or data, mode}] (for example report.md and report.json)")
    out, seen = [], set()
    for index, item in enumerate(files):
        where = "files[%d]" % index
        path = item.get("path") or ""
        if not os.path.isabs(path):
            raise InvalidInputError("%s: path must be absolute, got %r" % (where, path),
                                    hint="give each report file as an absolute path, e.g. {{ report_path }}/report.md")
        path = os.path.normpath(path)
        if path in seen:
            raise InvalidInputError("%s: %s is named twice" % (where, path), hint="name each file once")
        seen.add(path)
        if item.get("data") is not None:
            if item.get("content") is not None:
                raise InvalidInputError("%s: give content or data, not both" % where,
                                        hint="content is text written as it is; data is a value written as JSON")
            content = render_json(item["data"])
        else:
            content = "" if item.get("content") is None else str(item["content"])
        if not content.endswith("\n"):
            content += "\n"
        out.append((path, content.encode("utf-8"), file_mode(item.get("mode") or "0640", where)))
    return out


def current(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def write_files(files, dir_mode=0o750, check_mode=False, diff=False):
    """Write each file atomically (its directory created with ``dir_mode``); returns the module result."""
    result = {"written": [], "unchanged": [], "changed": False}
    diffs = []
    for path, data, mode in checked(files):
        before = current(path)
        if before == data:
            result["unchanged"].append(path)
            continue
        if diff:
            diffs.append({"before_header": path, "after_header": path,
                          "before": before.decode("utf-8", "replace") if before is not None else "",
                          "after": data.decode("utf-8")})
        if not check_mode:
            try:
                os.makedirs(os.path.dirname(path), mode=dir_mode, exist_ok=True)
                atomic_write(path, data, mode=mode)
            except OSError as error:
                raise StateFileError("cannot write the report file %s: %s" % (path, error.strerror),
                                     hint="free space or make %s writable" % os.path.dirname(path), path=path,
                                     written=result["written"])
        result["written"].append(path)
    result["changed"] = bool(result["written"])
    if diffs:
        result["diff"] = diffs
    return result
