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
import signal
import subprocess
import threading
import time

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


KILL_AFTER = 10.0


def _signal_group(proc, signum):
    """Send ``signum`` to the child's process group (the child leads its own group), or to the child alone when it
    does not lead one. True when something received it."""
    try:
        if os.getpgid(proc.pid) == proc.pid:
            os.killpg(proc.pid, signum)
            return True
    except (ProcessLookupError, PermissionError):
        pass
    except OSError:
        return False
    try:
        # the child is gone (or not a leader); members of its group may still be running
        os.killpg(proc.pid, signum)
        return True
    except OSError:
        pass
    try:
        proc.send_signal(signum)
        return True
    except OSError:
        return False


def in_own_group(argv):
    """``argv`` run through ``setsid`` so the command leads its own process group and a timeout can end the whole
    group (an artisan command's children, pg_dump's workers). Unchanged where ``setsid`` is not installed."""
    setsid = shutil.which("setsid")
    return [setsid] + list(argv) if setsid else list(argv)


class Deadline:
    """Ends a child that outlives ``timeout`` seconds, the way ``timeout --kill-after=10`` does: SIGTERM, then
    SIGKILL, sent to the child's whole process group, so grandchildren end with it. Armed in-process, without
    the ``timeout`` binary: that binary closes its stdout/stderr before it exits, which races
    ``AnsibleModule.run_command``'s select loop into an idle 1 s ``select()`` now and then."""

    def __init__(self, timeout):
        self.timeout = timeout
        self.expired = False
        self._timer = None

    def arm(self, proc):
        if self.timeout:
            self._timer = threading.Timer(self.timeout, self._expire, args=(proc,))
            self._timer.daemon = True
            self._timer.start()

    def _expire(self, proc):
        self.expired = True
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(KILL_AFTER)
        except subprocess.TimeoutExpired:
            pass
        except OSError:
            pass
        _signal_group(proc, signal.SIGKILL)  # whatever of the group is left, the leader included

    def disarm(self):
        if self._timer is not None:
            self._timer.cancel()

    def result(self, argv, rc, stdout, stderr, started):
        self.disarm()
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        return CommandResult(argv, TIMEOUT_EXIT_CODE if self.expired else rc, stdout, stderr, duration_ms,
                             timed_out=self.expired)


class ModuleCommandRunner:
    """Runs commands through ``AnsibleModule.run_command`` (argument list, no shell)."""

    def __init__(self, module):
        self.module = module

    def which(self, name):
        return self.module.get_bin_path(name) if not os.path.isabs(name) else (name if os.access(name, os.X_OK) else None)

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        started = time.monotonic()
        deadline = Deadline(timeout)
        try:
            rc, out, err = self.module.run_command(
                in_own_group(argv), cwd=cwd, environ_update=env or {}, data=data, binary_data=data is not None,
                check_rc=False, before_communicate_callback=deadline.arm,
            )
        finally:
            deadline.disarm()
        return deadline.result(argv, rc, out, err, started)


class SubprocessCommandRunner:
    """The same contract over ``subprocess`` for tests and benchmarks."""

    def which(self, name):
        return shutil.which(name)

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        started = time.monotonic()
        child_env = dict(os.environ)
        child_env.update(env or {})
        deadline = Deadline(timeout)
        text = data is None or isinstance(data, str)
        proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
            list(argv), cwd=cwd, env=child_env, stdin=subprocess.PIPE if data is not None else None,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text, start_new_session=True,
        )
        deadline.arm(proc)
        try:
            out, err = proc.communicate(input=data)
        finally:
            deadline.disarm()
        return deadline.result(argv, proc.returncode, out, err, started)
