"""The release lock against real directories and real processes: one winner, holder-only release, and a lock
whose holder process died on this host is stale at once while a remote holder's lock waits for its TTL."""

import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError, StateFileError
from ansible_collections.facturino.release.plugins.module_utils.release import lock as lock_mod
from ansible_collections.facturino.release.plugins.module_utils.release.lock import ReleaseLock
from ansible_collections.facturino.release.plugins.module_utils.release.state import run


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


def owner_record(path):
    with open(os.path.join(path, "owner.json"), encoding="utf-8") as handle:
        return json.load(handle)


def plant_holder(path, **record):
    os.makedirs(path)
    with open(os.path.join(path, "owner.json"), "w", encoding="utf-8") as handle:
        json.dump(record, handle)


def test_acquire_creates_the_lock_with_the_holder_record(tmp_path):
    path = str(tmp_path / "production" / "release.lock")
    out = ReleaseLock(path, clock=Clock()).acquire("run-1", "ops@ci", 3600)
    assert out["acquired"] and out["changed"] and not out["took_over"]
    record = owner_record(path)
    assert record["run_id"] == "run-1" and record["owner"] == "ops@ci" and record["expires_at"] == 1_000_000.0 + 3600
    assert record["pid"] and record["pid_start_ticks"] == lock_mod.process_start_ticks(record["pid"])
    assert oct(os.stat(os.path.dirname(path)).st_mode & 0o777) == "0o700"
    assert sorted(os.listdir(os.path.dirname(path))) == ["release.lock"]  # no staging left behind


def test_same_run_is_reentrant_and_another_live_run_is_refused(tmp_path):
    path = str(tmp_path / "release.lock")
    lock = ReleaseLock(path, clock=Clock())
    assert lock.acquire("run-1", "a", 3600)["changed"]
    again = lock.acquire("run-1", "a", 3600)
    assert again["acquired"] and not again["changed"]
    other = lock.acquire("run-2", "b", 3600)
    assert not other["acquired"] and not other["stale"] and other["holder"]["run_id"] == "run-1"
    assert owner_record(path)["run_id"] == "run-1"


def test_only_the_holder_releases(tmp_path):
    path = str(tmp_path / "release.lock")
    lock = ReleaseLock(path, clock=Clock())
    lock.acquire("run-1", "a", 3600)
    assert not lock.release("run-2")["released"] and os.path.isdir(path)
    assert lock.release("run-1")["released"] and not os.path.exists(path)
    assert not lock.release("run-1")["changed"]  # a second release changes nothing


def test_a_dead_holder_on_this_host_is_stale_at_once(tmp_path):
    """The holder's process ended (Ctrl-C, kill): the next run takes the lock over without waiting for the TTL."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = str(tmp_path / "release.lock")
    lock = ReleaseLock(path, clock=Clock(), hostname="here")
    plant_holder(path, owner="ops", run_id="interrupted", host="here", pid=dead.pid, pid_start_ticks=1,
                 expires_at=1_000_000.0 + 3600, ttl=3600)
    out = lock.acquire("run-2", "b", 3600)
    assert out["acquired"] and out["took_over"] and out["stale"]
    assert "no longer runs on here" in out["stale_reason"] and str(dead.pid) in out["stale_reason"]
    assert owner_record(path)["run_id"] == "run-2"


def test_a_live_holder_on_this_host_is_not_stale_even_past_its_ttl(tmp_path):
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        path = str(tmp_path / "release.lock")
        plant_holder(path, owner="ops", run_id="running", host="here", pid=alive.pid,
                     pid_start_ticks=lock_mod.process_start_ticks(alive.pid), expires_at=1.0, ttl=1)
        out = ReleaseLock(path, clock=Clock(), hostname="here").acquire("run-2", "b", 3600)
        assert not out["acquired"] and not out["stale"] and owner_record(path)["run_id"] == "running"
    finally:
        alive.kill()
        alive.wait()


def test_a_reused_pid_does_not_keep_a_dead_holder_alive(tmp_path):
    path = str(tmp_path / "release.lock")
    me = os.getpid()
    plant_holder(path, owner="ops", run_id="old", host="here", pid=me,
                 pid_start_ticks=lock_mod.process_start_ticks(me) - 1, expires_at=2e9, ttl=3600)
    out = ReleaseLock(path, clock=Clock(), hostname="here").acquire("run-2", "b", 3600)
    assert out["took_over"] and "another process" in out["stale_reason"]


def test_a_remote_holder_waits_for_its_ttl(tmp_path):
    path = str(tmp_path / "release.lock")
    clock = Clock()
    plant_holder(path, owner="ops", run_id="remote", host="elsewhere", pid=1, expires_at=clock.now + 10, ttl=10)
    lock = ReleaseLock(path, clock=clock, hostname="here")
    assert not lock.acquire("run-2", "b", 3600)["acquired"]
    clock.now += 11
    out = lock.acquire("run-2", "b", 3600)
    assert out["took_over"] and "TTL of 10 s ran out" in out["stale_reason"]


def test_stale_takeover_can_be_refused(tmp_path):
    path = str(tmp_path / "release.lock")
    plant_holder(path, owner="ops", run_id="remote", host="elsewhere", expires_at=1.0, ttl=1)
    out = ReleaseLock(path, clock=Clock(), hostname="here").acquire("run-2", "b", 3600, takeover_stale=False)
    assert not out["acquired"] and out["stale"] and owner_record(path)["run_id"] == "remote"


def test_a_corrupt_owner_record_is_inspected_not_crashed_on(tmp_path):
    path = tmp_path / "release.lock"
    path.mkdir()
    (path / "owner.json").write_text("{not json")
    out = run({"operation": "lock_inspect", "lock_path": str(path), "run_id": "r", "owner": "o", "ttl": 60,
               "takeover_stale": True}, check_mode=False)
    assert out["held"] and "not JSON" in out["holder"]["corrupt"] and not out["stale"]
    assert out["msg"].startswith("lock is corrupt: its owner record %s/owner.json" % path)


@pytest.mark.parametrize("damage", ["{not json", "[1, 2]", b"\xff\xfe", None])
def test_acquiring_a_corrupt_lock_fails_naming_the_file_and_the_fix_and_leaves_it_as_found(tmp_path, damage):
    path = tmp_path / "release.lock"
    path.mkdir()
    if damage is not None:
        (path / "owner.json").write_bytes(damage if isinstance(damage, bytes) else damage.encode())
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(StateFileError) as caught:
        ReleaseLock(str(path), clock=Clock()).acquire("run-2", "b", 3600)
    text = str(caught.value)
    assert "the release lock %s is corrupt" % path in text
    assert "owner.json" in text and "playbooks/unlock.yml" in text and "%s.bak" % path in text
    assert sorted(os.listdir(tmp_path)) == before          # nothing removed, renamed or written
    if damage is not None:
        assert (path / "owner.json").read_bytes() == (damage if isinstance(damage, bytes) else damage.encode())


def test_forcing_a_corrupt_lock_keeps_its_record_in_a_bak_file(tmp_path):
    path = tmp_path / "release.lock"
    path.mkdir()
    (path / "owner.json").write_text('{"owner": "ops", "run_id": "r-1", truncated')
    out = ReleaseLock(str(path), clock=Clock()).force("unlock")
    assert out["released"] and out["backup"] == "%s.bak" % path
    assert not path.exists()
    assert (tmp_path / "release.lock.bak").read_text() == '{"owner": "ops", "run_id": "r-1", truncated'
    assert oct(os.stat(tmp_path / "release.lock.bak").st_mode & 0o777) == "0o600"
    # and the lock can be taken again
    assert ReleaseLock(str(path), clock=Clock()).acquire("run-3", "c", 60)["acquired"]


def test_forcing_in_check_mode_writes_no_bak(tmp_path):
    path = str(tmp_path / "release.lock")
    plant_holder(path, owner="a", run_id="r-1", host="elsewhere", pid=1, expires_at=2_000_000.0)
    out = ReleaseLock(path, clock=Clock()).force("unlock", check_mode=True)
    assert out["released"] and os.path.isdir(path) and not os.path.exists(path + ".bak")


def test_check_mode_predicts_and_writes_nothing(tmp_path):
    path = str(tmp_path / "state" / "release.lock")
    lock = ReleaseLock(path, clock=Clock())
    out = lock.acquire("run-1", "a", 3600, check_mode=True)
    assert out["acquired"] and out["changed"] and not os.path.exists(str(tmp_path / "state"))
    lock.acquire("run-1", "a", 3600)
    assert lock.force("x", check_mode=True)["released"] and os.path.isdir(path)


def test_force_removes_any_holder(tmp_path):
    path = str(tmp_path / "release.lock")
    plant_holder(path, owner="ghost", run_id="dead", host="elsewhere", expires_at=4e9, ttl=1)
    out = ReleaseLock(path, clock=Clock()).force("unlock-1")
    assert out["released"] and out["holder"]["owner"] == "ghost" and not os.path.exists(path)


def _race(path, run_id, queue):
    queue.put((run_id, ReleaseLock(path).acquire(run_id, run_id, 3600)["acquired"]))


def test_exactly_one_of_ten_concurrent_acquirers_wins(tmp_path):
    path = str(tmp_path / "release.lock")
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_race, args=(path, "run-%d" % i, queue)) for i in range(10)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(30)
    results = dict(queue.get(timeout=5) for proc in procs)
    winners = [run_id for run_id, won in results.items() if won]
    assert len(winners) == 1 and owner_record(path)["run_id"] == winners[0]


def test_release_process_is_the_outermost_ansible_playbook(tmp_path):
    proc = tmp_path / "proc"
    tree = {500: (1, "/usr/bin/python3 /venv/bin/ansible-playbook release.yml"),
            600: (500, "/usr/bin/python3 /venv/bin/ansible-playbook release.yml"),   # a worker fork
            700: (600, "/bin/sh -c python3 AnsiballZ_release_state.py"),
            800: (700, "python3 AnsiballZ_release_state.py")}
    for pid, (ppid, cmdline) in tree.items():
        (proc / str(pid)).mkdir(parents=True)
        (proc / str(pid) / "stat").write_text("%d (py (x)) S %d 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %d 0 0" % (pid, ppid, pid * 10))
        (proc / str(pid) / "cmdline").write_bytes(cmdline.replace(" ", "\0").encode())
    assert lock_mod.release_process(800, proc_root=str(proc)) == 500
    assert lock_mod.process_start_ticks(500, proc_root=str(proc)) == 5000


def test_operations_through_the_module_entry_point(tmp_path):
    params = {"operation": "lock_acquire", "lock_path": str(tmp_path / "l"), "run_id": "r1", "owner": "o",
              "ttl": 60, "takeover_stale": True}
    out = run(params, check_mode=False)
    assert out["acquired"] and out["msg"] == "lock held" and out["operation"] == "lock_acquire"
    assert run(dict(params, operation="lock_inspect"), False)["msg"].startswith("lock held by o (run r1)")
    assert run(dict(params, operation="lock_release"), False)["msg"] == "released the lock of o (run r1)"
    assert run(dict(params, operation="lock_force"), False)["msg"] == "no lock was held"


@pytest.mark.parametrize("params, fragment", [
    ({"lock_path": "relative/release.lock"}, "lock_path must be an absolute path"),
    ({"ttl": 0}, "ttl must be a positive number"),
])
def test_bad_input_names_the_option_and_the_fix(tmp_path, params, fragment):
    base = {"operation": "lock_acquire", "lock_path": str(tmp_path / "l"), "run_id": "r", "owner": "o", "ttl": 60,
            "takeover_stale": True}
    with pytest.raises(InvalidInputError) as error:
        run(dict(base, **params), check_mode=False)
    assert fragment in str(error.value) and "Fix:" in str(error.value)
