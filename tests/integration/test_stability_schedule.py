"""stability_schedule: real cron entries (ansible.builtin.cron, here in a cron file) at +24 h and +48 h that remove
themselves, and the report line that names them."""

import json
import os
import shlex
import subprocess
import sys
import time

import pytest

from tests.support.modules import REPO_ROOT

BIN = os.path.dirname(sys.executable)


def playbook(tmp_path, body):
    path = tmp_path / "play.yml"
    path.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n" + body)
    return path


def run(path, *extra):
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    argv = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
            "-e", "ansible_python_interpreter=" + sys.executable, str(path), *extra]
    return subprocess.run(argv,
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture
def scheduled(tmp_path):
    cron_file = tmp_path / "cron.d" / "facturino-stability"
    cron_file.parent.mkdir()
    start = time.mktime((2026, 1, 15, 10, 7, 0, 0, 0, -1))  # local time, as cron reads it
    path = playbook(tmp_path, """
    - ansible.builtin.include_role:
        name: facturino.release.stability
        tasks_from: schedule
      vars:
        release_tag: v1.0.0
        stability_environment_name: production
        stability_schedule_from: %s
        stability_schedule_cron_file: %s
        stability_schedule_log: %s
    - ansible.builtin.copy:
        content: "{{ stability_schedule_summary | to_json }}"
        dest: %s
        mode: "0600"
""" % (start, cron_file, tmp_path / "cron.log", tmp_path / "summary.json"))
    proc = run(path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return {"cron_file": cron_file, "tmp": tmp_path, "out": proc.stdout, "path": path}


def test_two_entries_at_24_and_48_hours_that_remove_themselves(scheduled):
    text = scheduled["cron_file"].read_text()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(lines) == 2
    assert lines[0].startswith("7 10 16 1 * ") and lines[1].startswith("7 10 17 1 * ")
    for hours, line in zip((24, 48), lines):
        assert "playbooks/stability_check.yml" in line
        extra = json.loads(shlex.split(line.split("playbooks/stability_check.yml", 1)[1].split(">>")[0])[1])
        assert extra == {"stability_unschedule": "facturino-release production v1.0.0 stability +%dh" % hours,
                         "stability_unschedule_cron_file": str(scheduled["cron_file"])}
    assert "#Ansible: facturino-release production v1.0.0 stability +24h" in text
    # a second run changes nothing
    again = run(scheduled["path"])
    assert "changed=0" in again.stdout.split("PLAY RECAP")[-1]
    assert scheduled["cron_file"].read_text() == text


def test_the_run_removes_its_own_entry(scheduled, tmp_path):
    path = playbook(tmp_path, """
    - ansible.builtin.include_role:
        name: facturino.release.stability
        tasks_from: unschedule
""")
    # the very arguments the cron job passes
    line = next(line for line in scheduled["cron_file"].read_text().splitlines() if line.startswith("7 10 16 1 "))
    extra = shlex.split(line.split("playbooks/stability_check.yml", 1)[1].split(">>")[0])
    assert extra[0] == "-e"
    proc = run(path, *extra)
    assert proc.returncode == 0, proc.stdout[-3000:]
    text = scheduled["cron_file"].read_text()
    assert "+24h" not in text and "+48h" in text
