import hashlib
import os

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.fileio import AtomicFile, atomic_write, sha256_file


def test_atomic_write_reports_change_and_idempotence(tmp_path):
    target = tmp_path / "report.json"
    assert atomic_write(str(target), "{}") is True
    assert atomic_write(str(target), "{}") is False
    assert target.read_text() == "{}"
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_atomic_write_check_mode_writes_nothing(tmp_path):
    target = tmp_path / "x"
    assert atomic_write(str(target), b"data", check_mode=True) is True
    assert not target.exists()


def test_interrupted_atomic_file_leaves_nothing(tmp_path):
    target = tmp_path / "dump.pgdump"
    with pytest.raises(RuntimeError):
        with AtomicFile(str(target)) as tmp:
            with open(tmp.temp_path, "wb") as handle:
                handle.write(b"partial")
            raise RuntimeError("pg_dump killed")
    assert os.listdir(tmp_path) == []


def test_committed_atomic_file_replaces_target(tmp_path):
    target = tmp_path / "dump"
    target.write_bytes(b"old")
    with AtomicFile(str(target)) as tmp:
        with open(tmp.temp_path, "wb") as handle:
            handle.write(b"new")
        tmp.commit()
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["dump"]


def test_directory_commit_replaces_an_existing_directory(tmp_path):
    target = tmp_path / "dump.dir"
    target.mkdir()
    (target / "old.dat").write_bytes(b"old")
    with AtomicFile(str(target), directory=True) as tmp:
        with open(os.path.join(tmp.temp_path, "toc.dat"), "wb") as handle:
            handle.write(b"new")
        tmp.commit()
    assert sorted(os.listdir(target)) == ["toc.dat"]
    assert os.listdir(tmp_path) == ["dump.dir"]


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024 - 1, 1024 * 1024, 3 * 1024 * 1024 + 17])
def test_sha256_file_matches_hashlib_across_buffer_boundaries(tmp_path, size):
    data = bytes((i * 7 + i // 251) % 256 for i in range(size))
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert sha256_file(str(path)) == hashlib.sha256(data).hexdigest()
    assert sha256_file(str(path), chunk_size=4096) == hashlib.sha256(data).hexdigest()
