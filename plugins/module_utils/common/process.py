# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running external programs with an argument list, never a shell string.

Wings take a runner with ``run(argv, env=None, cwd=None, timeout=None, data=None)`` so that the same
logic runs inside a module (``ModuleCommandRunner`` over ``AnsibleModule.run_command``) and in tests or
benchmarks (``SubprocessCommandRunner``). Secrets reach children through ``env``, never through argv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import MissingDependencyError

TIMEOUT_EXIT_CODE = 124


class CommandResult:
    def __init__(self, argv, rc, stdout, stderr, duration_ms, timed_out=False):
        self.argv = list(argv)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.duration_ms = duration_ms
        self.timed_out = timed_out

    def as_dict(self):
        return {
            "cmd": self.argv,
            "rc": self.rc,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "duration_ms": self.duration_ms,
        }


def _with_timeout(argv, timeout):
    if not timeout:
        return list(argv)
    timeout_bin = shutil.which("timeout")
    if not timeout_bin:
        raise MissingDependencyError("coreutils 'timeout' is not on PATH", hint="install coreutils")
    return [timeout_bin, "--kill-after=10", str(int(timeout))] + list(argv)


class ModuleCommandRunner:
    """Runs commands through ``AnsibleModule.run_command`` (argument list, no shell)."""

    def __init__(self, module):
        self.module = module

    def which(self, name):
        return self.module.get_bin_path(name) if not os.path.isabs(name) else (name if os.access(name, os.X_OK) else None)

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        started = time.monotonic()
        rc, out, err = self.module.run_command(
            _with_timeout(argv, timeout), cwd=cwd, environ_update=env or {}, data=data, binary_data=data is not None,
            check_rc=False,
        )
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        return CommandResult(argv, rc, out, err, duration_ms, timed_out=bool(timeout) and rc == TIMEOUT_EXIT_CODE)


class SubprocessCommandRunner:
    """The same contract over ``subprocess`` for tests and benchmarks."""

    def which(self, name):
        return shutil.which(name)

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        started = time.monotonic()
        child_env = dict(os.environ)
        child_env.update(env or {})
        proc = subprocess.run(  # noqa: S603 - argument list, no shell
            _with_timeout(argv, timeout), cwd=cwd, env=child_env, input=data, capture_output=True, check=False,
            text=data is None or isinstance(data, str),
        )
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        return CommandResult(argv, proc.returncode, proc.stdout, proc.stderr, duration_ms,
                             timed_out=bool(timeout) and proc.returncode == TIMEOUT_EXIT_CODE)
