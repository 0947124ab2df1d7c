# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runbook's dependency verification: expected Composer and npm packages against the release's lock files."""

from __future__ import annotations

import re


def version_tuple(text):
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3]) or (0,)


def installed_composer(lock, manifest):
    """({name: version}, source) from composer.lock, else composer.json's requirements, else (None, 'none')."""
    if lock is not None:
        packages = (lock.get("packages") or []) + (lock.get("packages-dev") or [])
        return {p["name"]: p.get("version", "") for p in packages if isinstance(p, dict) and "name" in p}, "composer.lock"
    if manifest is not None:
        return dict(manifest.get("require") or {}), "composer.json"
    return None, "none"


def installed_npm(lock):
    if lock is None:
        return None, "none"
    installed = {k.split("node_modules/")[-1]: v.get("version", "") for k, v in (lock.get("packages") or {}).items() if k}
    installed.update({k: v.get("version", "") for k, v in (lock.get("dependencies") or {}).items()})
    return installed, "package-lock.json"


def check_packages(expected, installed, source):
    """One row per expected package: {name, expected, installed, ok, reason}."""
    checked = []
    for want in expected:
        name = want["name"]
        have = installed.get(name) if installed is not None else None
        wanted = want.get("version") or ((">=%s" % want["min"]) if want.get("min") else "any")
        item = {"name": name, "expected": wanted, "installed": have, "ok": True, "reason": ""}
        if installed is None:
            item.update(reason="no lock file: not checked")
        elif have is None:
            item.update(ok=False, reason="%s is not installed (not in %s)" % (name, source))
        else:
            clean = have.lstrip("v^~=")
            prefix = want.get("version")
            if prefix and prefix not in ("*", "any") and not (clean == prefix or clean.startswith(prefix + ".")
                                                              or (source == "composer.json" and prefix in have)):
                item.update(ok=False, reason="%s %s does not match %s" % (name, have, prefix))
            if want.get("min") and version_tuple(clean) < version_tuple(want["min"]):
                item.update(ok=False, reason="%s %s is older than %s" % (name, have, want["min"]))
            if want.get("max") and version_tuple(clean) >= version_tuple(want["max"]):
                item.update(ok=False, reason="%s %s is not below %s" % (name, have, want["max"]))
        checked.append(item)
    return checked
