"""The command runners: argument lists, in-process deadlines (SIGTERM, then SIGKILL) and no idle 1 s stalls."""

import time

import pytest
from ansible.module_utils.basic import AnsibleModule
from tests.support.module_args import patch_module_args

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


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("holds_pipe", [False, True], ids=["detached-grandchild", "grandchild-holds-stdout"])
def test_a_timeout_ends_the_whole_process_group_of_a_php_child(runner, tmp_path, holds_pipe):
    """``php`` starts a grandchild (as an artisan command starting a worker would) and hangs; the timeout ends both."""
    pid_file = tmp_path / "grandchild.pid"
    if holds_pipe:  # a forked copy of php keeps php's stdout and stderr open
        code = ('$pid = pcntl_fork(); if ($pid === 0) { sleep(300); exit(0); } '
                'file_put_contents("%s", $pid); echo "started\\n"; sleep(300);' % pid_file)
    else:
        code = ('file_put_contents("%s", trim(shell_exec("sleep 300 >/dev/null 2>&1 & echo \\$!"))); sleep(300);'
                % pid_file)
    started = time.monotonic()
    result = runner.run(["php", "-r", code], timeout=1.0)
    took = time.monotonic() - started
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 3
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert result.timed_out and result.rc == TIMEOUT_EXIT_CODE
    assert not _alive(grandchild), "the grandchild outlived the timeout"
    assert took < 4


def test_commands_lead_their_own_process_group(runner):
    result = runner.run(["sh", "-c", "ps -o pid=,pgid= -p $$"], timeout=10)
    pid, pgid = result.stdout.split()
    assert pid == pgid
