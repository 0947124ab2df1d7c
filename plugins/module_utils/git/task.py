# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""git_release's operations: one call per runbook git step, each idempotent."""

from __future__ import annotations

import os

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.process import ModuleCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.common.validate import check_line, check_path
from ansible_collections.facturino.release.plugins.module_utils.git.release import (
    ReleaseRepository,
    export_dir,
    identity_env,
    present_in_tree,
)
from ansible_collections.facturino.release.plugins.module_utils.release import dependencies


def facts(repo, params):
    out = repo.facts(params["ref"], params["tag"], params["remote"] if params["query_remote"] else None,
                     params["migrations_dir"])
    composer, source = dependencies.installed_composer(repo.json_file(out["commit"], "composer.lock"),
                                                       repo.json_file(out["commit"], "composer.json"))
    npm, npm_source = dependencies.installed_npm(repo.json_file(out["commit"], "package-lock.json"))
    out["dependencies"] = {
        "composer": {"source": source, "checked": dependencies.check_packages(params["composer_packages"], composer, source)},
        "npm": {"source": npm_source, "checked": dependencies.check_packages(params["npm_packages"], npm, npm_source)},
    }
    out.update(changed=False, msg="%s is %s" % (params["ref"], out["commit"][:12]))
    return out


# Options git reads as a ref, a remote or a name: one line, and never taken for a command-line option.
NAME_OPTIONS = ("ref", "tag", "remote", "branch", "rollback_tag")


def check_params(params):
    """Every option checked before git runs; app_path must be a git work tree."""
    check_path("app_path", params["app_path"], required=True)
    check_path("dest", params.get("dest"))
    for option in NAME_OPTIONS + ("author_name", "author_email", "migrations_dir"):
        check_line(option, params.get(option))
    for option in ("tags", "probe_paths"):
        for item in params.get(option) or []:
            check_line(option, item)
    for option in NAME_OPTIONS:
        value = params.get(option)
        if value and value.startswith("-"):
            raise InvalidInputError("%s starts with '-', so git would read it as an option" % option,
                                    hint="set %s to a branch, tag, commit or remote name" % option)
    for tag in params.get("tags") or []:
        if tag.startswith("-"):
            raise InvalidInputError("tags has a name starting with '-', so git would read it as an option",
                                    hint="list tag names in tags")
    if not os.path.isdir(params["app_path"]):
        raise InvalidInputError("app_path %s is not a directory" % params["app_path"],
                                hint="point app_path at the application's git checkout")


def run(params, check_mode, runner):
    """Run ``params['operation']`` on the repository at ``app_path``; returns the module result."""
    check_params(params)
    repo = ReleaseRepository(params["app_path"], runner, identity_env(params["author_name"], params["author_email"]))
    repo.toplevel()
    operation = params["operation"]
    if operation == "facts":
        return facts(repo, params)
    if operation == "export":
        out = facts(repo, params)
        dest = export_dir(params["dest"], params["tag"], out["commit"])
        _commit, changed = repo.export(out["commit"], dest, check_mode)
        out.update(changed=changed, exported=changed, dest=dest,
                   paths=present_in_tree(dest, params["probe_paths"]) if os.path.isdir(dest) else {},
                   msg="%s %s at %s" % ("exported" if changed else "already exported", out["commit"][:12], dest))
        return out
    if operation == "tag":
        commit, changed = repo.tag(params["tag"], params["ref"], params["git_message"], params["require_clean"], check_mode)
        return {"changed": changed, "commit": commit, "tag": params["tag"],
                "msg": "%s %s on %s" % ("tagged" if changed else "tag already", params["tag"], commit[:12])}
    if operation == "push":
        refs = repo.push(params["remote"], params["branch"], params["tags"], check_mode)
        return {"changed": bool(refs), "pushed": refs, "remote": params["remote"],
                "msg": "pushed %s to %s" % (", ".join(refs), params["remote"]) if refs else "the remote is up to date"}
    if operation == "revert":
        commit, changed = repo.revert(params["tag"], params["branch"], params["rollback_tag"], params["git_message"],
                                      check_mode)
        return {"changed": changed, "commit": commit, "rollback_tag": params["rollback_tag"],
                "msg": ("reverted %s on %s, tagged %s" % (params["tag"], params["branch"], params["rollback_tag"]))
                if changed else "%s already exists" % params["rollback_tag"]}
    commit, changed = repo.branch(params["branch"], params["ref"], check_mode)
    return {"changed": changed, "commit": commit, "branch": params["branch"],
            "msg": "%s branch %s" % ("created" if changed else "found", params["branch"])}


def handle(module):
    """``common.module.run_module`` handler of the git_release module."""
    return run(module.params, module.check_mode, ModuleCommandRunner(module))
