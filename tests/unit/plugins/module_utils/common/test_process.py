"""The command runners: argument lists, in-process deadlines (SIGTERM, then SIGKILL) and no idle 1 s stalls."""

import time

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.facturino.release.plugins.module_utils.common import process
from ansible_collections.facturino.release.plugins.module_utils.common.process import (
    TIMEOUT_EXIT_CODE,
    ModuleCommandRunner,
    SubprocessCommandRunner,
)


@pytest.fixture()
def module_runner():
    with patch_module_args({}):
        yield ModuleCommandRunner(AnsibleModule(argument_spec={}))


@pytest.fixture(params=["module", "subprocess"])
def runner(request, module_runner):
    return module_runner if request.param == "module" else SubprocessCommandRunner()


def test_output_exit_code_and_stdin(runner):
    result = runner.run(["sh", "-c", 'read line; echo "got $line"; echo oops >&2; exit 3'], data="hello\n")
    assert (result.rc, result.stdout.strip(), result.stderr.strip(), result.timed_out) == (3, "got hello", "oops", False)


def test_exit_124_without_a_deadline_is_not_a_timeout(runner):
    result = runner.run(["sh", "-c", "exit 124"], timeout=30)
    assert result.rc == 124 and result.timed_out is False


def test_deadline_terminates_a_hung_child(runner):
    started = time.monotonic()
    result = runner.run(["sleep", "30"], timeout=0.3)
    assert result.timed_out is True and result.rc == TIMEOUT_EXIT_CODE
    assert time.monotonic() - started < 5


def test_child_ignoring_sigterm_is_killed_after_the_grace_period(runner, monkeypatch):
    monkeypatch.setattr(process, "KILL_AFTER", 0.3)
    started = time.monotonic()
    result = runner.run(["sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"], timeout=0.3)
    assert result.timed_out is True
    assert time.monotonic() - started < 10


def test_the_command_runs_without_a_timeout_wrapper(runner):
    # coreutils `timeout` closes stdout/stderr before it exits; between the two cmd.poll() calls of
    # run_command's select loop that left an empty selector to select(1) on: an idle second about one run in
    # 300 (measured). The deadline is kept in-process instead, so the command's parent is this process.
    result = runner.run(["sh", "-c", "cat /proc/$PPID/comm"], timeout=60)
    assert result.rc == 0 and result.stdout.strip() not in ("", "timeout")
