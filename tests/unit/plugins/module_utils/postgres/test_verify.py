import hashlib
import os

from ansible_collections.facturino.release.plugins.module_utils.common.process import CommandResult
from ansible_collections.facturino.release.plugins.module_utils.postgres import manifest as mf
from ansible_collections.facturino.release.plugins.module_utils.postgres.tools import Tools
from ansible_collections.facturino.release.plugins.module_utils.postgres.verify import (
    compare_counts,
    integrity_reasons,
    plain_is_complete,
    verify_backup,
)


def make_backup(tmp_path, data=b"PGDMP" + bytes(range(256)) * 40):
    path = tmp_path / "db_l.dump"
    path.write_bytes(data)
    manifest = {"size_bytes": len(data), "checksum": {"algorithm": "sha256", "value": hashlib.sha256(data).hexdigest()},
                "format": "custom"}
    return str(path), manifest


def test_intact_backup_has_no_reasons(tmp_path):
    path, manifest = make_backup(tmp_path)
    assert integrity_reasons(path, manifest) == []


def test_one_flipped_byte_is_caught_and_named(tmp_path):
    path, manifest = make_backup(tmp_path)
    with open(path, "r+b") as handle:
        handle.seek(5000)
        byte = handle.read(1)
        handle.seek(5000)
        handle.write(bytes([byte[0] ^ 0x01]))
    reasons = integrity_reasons(path, manifest)
    assert len(reasons) == 1 and "sha256 mismatch" in reasons[0] and path in reasons[0]


def test_truncation_is_caught_as_truncated(tmp_path):
    path, manifest = make_backup(tmp_path)
    os.truncate(path, 1000)
    reasons = integrity_reasons(path, manifest)
    assert any("truncated" in r and "1000 bytes" in r for r in reasons)


def test_missing_manifest_and_missing_dump(tmp_path):
    path, manifest = make_backup(tmp_path)
    assert "no manifest" in integrity_reasons(path, None)[0]
    os.unlink(path)
    assert "missing" in integrity_reasons(path, manifest)[0]


def test_directory_mismatch_names_the_file(tmp_path):
    folder = tmp_path / "db_l.dir"
    folder.mkdir()
    (folder / "toc.dat").write_bytes(b"toc")
    (folder / "3001.dat.gz").write_bytes(b"rows")
    checksum, files = mf.checksum_of(str(folder))
    manifest = {"size_bytes": 7, "checksum": {"value": checksum}, "files": files}
    (folder / "3001.dat.gz").write_bytes(b"rowz")
    reasons = integrity_reasons(str(folder), manifest)
    assert reasons == ["sha256 mismatch in %s: 3001.dat.gz" % folder]


def test_plain_trailer_detects_truncation(tmp_path):
    path = tmp_path / "x.sql"
    body = b"SET x;\n" * 5000
    path.write_bytes(body + b"--\n-- PostgreSQL database dump complete\n--\n\n")
    assert plain_is_complete(str(path)) is True
    os.truncate(str(path), len(body) // 2)
    assert plain_is_complete(str(path)) is False


def test_compare_counts_lists_each_difference():
    assert compare_counts({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 0}) == [
        {"table": "b", "expected": 2, "actual": 3}, {"table": "c", "expected": None, "actual": 0}]


class ListRunner:
    """pg_restore --list that succeeds (one TABLE DATA entry) or fails."""

    def __init__(self, rc=0):
        self.rc = rc
        self.calls = 0

    def which(self, name):
        return "/usr/bin/" + name

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        self.calls += 1
        if self.rc:
            return CommandResult(argv, self.rc, "", "pg_restore: error: could not read input file\n", 1.0)
        return CommandResult(argv, 0, ";\n3001; 0 16390 TABLE DATA public t postgres\n", "", 1.0)


def test_verify_backup_runs_checksum_and_list_and_passes(tmp_path):
    path, manifest = make_backup(tmp_path)
    manifest["row_counts"] = {"public.t": 3}
    runner = ListRunner()
    assert verify_backup(runner, Tools(runner), path, manifest) == (
        True, [], ["manifest", "size", "checksum", "pg_restore --list"])
    assert runner.calls == 1


def test_verify_backup_reports_the_checksum_not_the_list_of_a_corrupt_file(tmp_path):
    path, manifest = make_backup(tmp_path)
    manifest["row_counts"] = {"public.t": 3}
    with open(path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"X")
    runner = ListRunner(rc=1)
    ok, reasons, checks = verify_backup(runner, Tools(runner), path, manifest)
    assert not ok and len(reasons) == 1 and "sha256 mismatch" in reasons[0]
    assert checks == ["manifest", "size", "checksum"]


def test_verify_backup_reports_an_unreadable_archive_with_a_good_checksum(tmp_path):
    path, manifest = make_backup(tmp_path)
    runner = ListRunner(rc=1)
    ok, reasons, _checks = verify_backup(runner, Tools(runner), path, manifest)
    assert not ok and reasons == ["pg_restore --list cannot read the archive: pg_restore: error: could not read input file"]


def test_verify_backup_without_manifest_runs_nothing(tmp_path):
    path, _manifest = make_backup(tmp_path)
    runner = ListRunner()
    ok, reasons, _checks = verify_backup(runner, Tools(runner), path, None)
    assert not ok and "no manifest" in reasons[0] and runner.calls == 0
