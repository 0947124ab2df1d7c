"""The release ledger on real files: the merge by run id, section starts and ends, the .bak copy, concurrent
writers under the directory lock, and a corrupt ledger that fails clearly and is never overwritten."""

import json
import multiprocessing
import os

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError, StateFileError
from ansible_collections.facturino.release.plugins.module_utils.release.ledger import Ledger, merge, targets
from ansible_collections.facturino.release.plugins.module_utils.release.state import run

T0 = 1_796_000_000.0   # 2026-11-30T00:53:20Z


class Clock:
    def __init__(self, now=T0):
        self.now = now

    def __call__(self):
        return self.now


def read(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def ledger_at(tmp_path, clock=None, keep=200):
    return Ledger(str(tmp_path / "production" / "ledger.json"), environment="production", keep=keep,
                  clock=clock or Clock())


def test_the_first_record_creates_the_ledger_its_bak_and_a_started_entry(tmp_path):
    ledger = ledger_at(tmp_path)
    out = ledger.record("run-1", {"tag": "v1.0.0"})
    assert out["changed"]
    doc = read(ledger.path)
    assert doc["version"] == 1 and doc["environment"] == "production"
    (entry,) = doc["releases"]
    assert entry["run_id"] == "run-1" and entry["tag"] == "v1.0.0" and entry["status"] == "started"
    assert entry["environment"] == "production" and entry["started_at"] == entry["updated_at"]
    assert read(ledger.backup) == doc
    assert oct(os.stat(ledger.path).st_mode & 0o777) == "0o600"
    assert oct(os.stat(os.path.dirname(ledger.path)).st_mode & 0o777) == "0o700"
    assert sorted(os.listdir(os.path.dirname(ledger.path))) == ["ledger.json", "ledger.json.bak"]   # no temp left


def test_a_record_merges_into_its_own_run_and_leaves_the_others(tmp_path):
    clock = Clock()
    ledger = ledger_at(tmp_path, clock)
    ledger.record("run-1", {"tag": "v1.0.0", "status": "good", "deployment_id": "d-1"})
    clock.now += 60
    ledger.record("run-2", {"tag": "v1.0.1", "status": "started"})
    clock.now += 60
    out = ledger.record("run-1", {"verdict": "healthy"})
    releases = read(ledger.path)["releases"]
    assert [r["run_id"] for r in releases] == ["run-1", "run-2"]           # ordered by start, not by update
    assert releases[0] == dict(out["entry"]) and releases[0]["status"] == "good"
    assert releases[0]["verdict"] == "healthy" and releases[0]["deployment_id"] == "d-1"
    assert releases[1]["tag"] == "v1.0.1"


def test_the_same_record_twice_changes_nothing(tmp_path):
    clock = Clock()
    ledger = ledger_at(tmp_path, clock)
    ledger.record("run-1", {"status": "good"})
    before = open(ledger.path, "rb").read()
    clock.now += 30
    again = ledger.record("run-1", {"status": "good"})
    assert not again["changed"] and open(ledger.path, "rb").read() == before


def test_a_section_is_recorded_when_it_starts_and_updated_when_it_ends(tmp_path):
    clock = Clock()
    ledger = ledger_at(tmp_path, clock)
    ledger.record("run-1", section="deploy")
    entry = read(ledger.path)["releases"][0]
    # an interruption here leaves exactly this on disk: the section it stopped in, still started
    assert entry["section"] == "deploy"
    assert entry["sections"] == [{"name": "deploy", "status": "started", "started_at": "2026-11-30T00:53:20Z"}]
    clock.now += 42.4
    ledger.record("run-1", {"status": "deployed"}, section="deploy", section_status="changed")
    clock.now += 1
    ledger.record("run-1", section="migrate")
    entry = read(ledger.path)["releases"][0]
    assert entry["status"] == "deployed" and entry["section"] == "migrate"
    assert entry["sections"] == [
        {"name": "deploy", "status": "changed", "started_at": "2026-11-30T00:53:20Z",
         "finished_at": "2026-11-30T00:54:02Z", "duration_s": 42},
        {"name": "migrate", "status": "started", "started_at": "2026-11-30T00:54:03Z"}]


def test_a_section_run_twice_ends_its_newest_start(tmp_path):
    clock = Clock()
    ledger = ledger_at(tmp_path, clock)
    for status in ("started", "failed", "started"):
        ledger.record("run-1", section="rollback", section_status=status)
        clock.now += 5
    ledger.record("run-1", section="rollback", section_status="ok")
    sections = read(ledger.path)["releases"][0]["sections"]
    assert [s["status"] for s in sections] == ["failed", "ok"]


def test_an_end_without_a_recorded_start_is_kept(tmp_path):
    ledger = ledger_at(tmp_path)
    ledger.record("run-1", section="notify", section_status="failed")
    (item,) = read(ledger.path)["releases"][0]["sections"]
    assert item["name"] == "notify" and item["status"] == "failed" and "duration_s" not in item


def test_keep_drops_the_oldest_entries(tmp_path):
    clock = Clock()
    ledger = ledger_at(tmp_path, clock, keep=2)
    for index in range(4):
        ledger.record("run-%d" % index, {"tag": "v%d" % index})
        clock.now += 1
    assert [r["run_id"] for r in read(ledger.path)["releases"]] == ["run-2", "run-3"]


def test_targets_skip_bad_deployments_and_entries_without_one():
    doc = {"releases": [{"run_id": "a", "status": "good", "deployment_id": "d-1"},
                        {"run_id": "b", "status": "good", "deployment_id": None},
                        {"run_id": "c", "status": "rolled_back", "deployment_id": "d-3"},
                        {"run_id": "d", "status": "bad", "deployment_id": "d-4"},
                        "not an entry"]}
    assert targets(doc) == {"last_good": doc["releases"][0], "bad_deployments": ["d-3", "d-4"]}


def test_check_mode_predicts_and_writes_nothing(tmp_path):
    ledger = ledger_at(tmp_path)
    out = ledger.record("run-1", {"tag": "v1"}, section="deploy", check_mode=True)
    assert out["changed"] and out["entry"]["sections"][0]["status"] == "started"
    assert not os.path.exists(os.path.dirname(ledger.path))


@pytest.mark.parametrize("damage", ['{"releases": [{"run_id": "run-1"', "\x00\x01", '["a list"]',
                                    '{"releases": "not a list"}', ""])
def test_a_corrupt_ledger_fails_naming_the_file_and_the_fix_and_loses_nothing(tmp_path, damage):
    clock = Clock()
    ledger = ledger_at(tmp_path, clock)
    ledger.record("run-1", {"tag": "v1.0.0", "status": "good", "deployment_id": "d-1"})
    good = read(ledger.backup)
    with open(ledger.path, "w", encoding="utf-8") as handle:      # a hand edit gone wrong, a disk fault
        handle.write(damage)
    for call in (ledger.inspect, lambda: ledger.record("run-2", {"tag": "v1.0.1"}, section="preflight")):
        with pytest.raises(StateFileError) as caught:
            call()
        text = str(caught.value)
        assert "the release ledger %s is corrupt" % ledger.path in text
        assert "cp %s %s" % (ledger.backup, ledger.path) in text and "left as found" in text
    # the damaged file is not overwritten (it may hold more than the copy) and the copy still holds everything
    assert open(ledger.path, encoding="utf-8").read() == damage
    assert read(ledger.backup) == good and good["releases"][0]["deployment_id"] == "d-1"
    # restoring the copy, as the message says, resumes with the history whole
    os.replace(ledger.backup, ledger.path)
    ledger.record("run-2", {"tag": "v1.0.1"})
    assert [r["run_id"] for r in read(ledger.path)["releases"]] == ["run-1", "run-2"]


def test_a_corrupt_ledger_without_a_copy_says_so(tmp_path):
    ledger = ledger_at(tmp_path)
    os.makedirs(os.path.dirname(ledger.path))
    with open(ledger.path, "w", encoding="utf-8") as handle:
        handle.write("{")
    with pytest.raises(StateFileError, match="there is no .*ledger.json.bak to restore from"):
        ledger.inspect()


def test_an_unwritable_directory_fails_clearly(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    ledger = ledger_at(tmp_path)
    os.makedirs(os.path.dirname(ledger.path), mode=0o500)
    with pytest.raises(StateFileError, match="cannot write the release ledger"):
        ledger.record("run-1", {"tag": "v1"})


def test_bad_input_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(InvalidInputError, match="ledger_path must be an absolute path"):
        Ledger("relative/ledger.json")
    with pytest.raises(InvalidInputError, match="keep must be 0"):
        Ledger(str(tmp_path / "l.json"), keep=-1)
    with pytest.raises(InvalidInputError, match="section_status needs section"):
        Ledger(str(tmp_path / "l.json")).record("run-1", section_status="ok")
    assert os.listdir(tmp_path) == []


def _writer(path, index, count):
    ledger = Ledger(path)
    for step in range(count):
        ledger.record("run-%d" % index, {"step": step}, section="s%d" % step)


def test_concurrent_writers_lose_no_entry(tmp_path):
    path = str(tmp_path / "production" / "ledger.json")
    workers = [multiprocessing.Process(target=_writer, args=(path, index, 10)) for index in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    releases = read(path)["releases"]
    assert sorted(r["run_id"] for r in releases) == ["run-0", "run-1", "run-2", "run-3"]
    assert all(r["step"] == 9 and len(r["sections"]) == 10 for r in releases)


def test_the_module_operations_return_the_ledger_targets_and_a_diff(tmp_path):
    path = str(tmp_path / "ledger.json")
    params = {"operation": "ledger_record", "ledger_path": path, "environment_name": "staging", "run_id": "run-1",
              "record": {"status": "good", "deployment_id": "d-1"}, "section": None, "section_status": None,
              "keep": 200}
    out = run(params, check_mode=False, diff=True)
    assert out["changed"] and out["last_good"]["deployment_id"] == "d-1" and out["bad_deployments"] == []
    assert out["diff"]["before"] == "" and json.loads(out["diff"]["after"])["deployment_id"] == "d-1"
    assert out["ledger"]["environment"] == "staging" and out["msg"] == "recorded run run-1: entry"
    again = run(params, check_mode=False, diff=True)
    assert not again["changed"] and "diff" not in again
    seen = run(dict(params, operation="ledger_inspect"), check_mode=False)
    assert seen["ledger"] == out["ledger"] and not seen["changed"]


def test_merge_is_pure():
    doc = {"version": 1, "environment": "production", "releases": []}
    new, before, entry = merge(doc, "run-1", "production", {"tag": "v1"}, T0)
    assert doc["releases"] == [] and before is None and new["releases"] == [entry]
