"""Run a collection module the way Ansible does (a separate process, JSON args) and return its result."""

import json
import os
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(REPO_ROOT, ".collections")


class ModuleResult(dict):
    @property
    def failed(self):
        return bool(self.get("failed"))

    @property
    def changed(self):
        return bool(self.get("changed"))


def run_module(name, args, check_mode=False, diff=False, env=None, timeout=900):
    """Execute plugins/modules/<name>.py with ``args``; returns the parsed result plus ``_raw_stdout``/``_raw_stderr``."""
    payload = dict(args)
    payload["_ansible_check_mode"] = check_mode
    payload["_ansible_diff"] = diff
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": payload}, handle)
        args_path = handle.name
    child_env = dict(os.environ)
    child_env["PYTHONPATH"] = COLLECTIONS + os.pathsep + child_env.get("PYTHONPATH", "")
    child_env.update(env or {})
    try:
        proc = subprocess.run(
            [sys.executable, os.path.join(REPO_ROOT, "plugins", "modules", name + ".py"), args_path],
            capture_output=True, text=True, env=child_env, timeout=timeout, check=False,
        )
    finally:
        os.unlink(args_path)
    result = None
    for line in reversed(proc.stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
                break
            except ValueError:
                continue
    if result is None:
        raise AssertionError("module %s printed no JSON result (rc=%s)\nstdout:\n%s\nstderr:\n%s"
                             % (name, proc.returncode, proc.stdout, proc.stderr))
    result = ModuleResult(result)
    result["_raw_stdout"] = proc.stdout
    result["_raw_stderr"] = proc.stderr
    return result
