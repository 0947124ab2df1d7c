"""report_write on real files: whole files, unchanged ones left alone, JSON data rendered by the module, and bad
input refused before any file is written."""

import json
import os

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.release.report_files import write_files
from ansible_collections.facturino.release.plugins.module_utils.release.state import run


def test_writes_text_and_json_with_their_modes_and_creates_the_directory(tmp_path):
    report = tmp_path / "reports" / "v1.0.0" / "run-1"
    out = write_files([{"path": str(report / "report.md"), "content": "# Report", "mode": "0640"},
                       {"path": str(report / "report.json"), "data": {"b": 1, "a": "é", "c": [None, True]},
                        "mode": "0600"}])
    assert out["changed"] and out["unchanged"] == []
    assert (report / "report.md").read_text() == "# Report\n"
    assert (report / "report.json").read_text(encoding="utf-8") == \
        '{\n  "a": "é",\n  "b": 1,\n  "c": [\n    null,\n    true\n  ]\n}\n'
    assert oct(os.stat(report / "report.md").st_mode & 0o777) == "0o640"
    assert oct(os.stat(report / "report.json").st_mode & 0o777) == "0o600"
    assert oct(os.stat(report).st_mode & 0o777) == "0o750"
    assert sorted(os.listdir(report)) == ["report.json", "report.md"]          # no temporary file left


def test_unchanged_files_are_not_rewritten(tmp_path):
    files = [{"path": str(tmp_path / "report.md"), "content": "same\n"}]
    write_files(files)
    stamp = os.stat(tmp_path / "report.md").st_mtime_ns
    out = write_files(files)
    assert not out["changed"] and out["unchanged"] == [str(tmp_path / "report.md")]
    assert os.stat(tmp_path / "report.md").st_mtime_ns == stamp


def test_check_mode_and_diff(tmp_path):
    (tmp_path / "report.md").write_text("old\n")
    out = write_files([{"path": str(tmp_path / "report.md"), "content": "new"}], check_mode=True, diff=True)
    assert out["changed"] and out["written"] == [str(tmp_path / "report.md")]
    assert out["diff"] == [{"before_header": str(tmp_path / "report.md"), "after_header": str(tmp_path / "report.md"),
                            "before": "old\n", "after": "new\n"}]
    assert (tmp_path / "report.md").read_text() == "old\n"


@pytest.mark.parametrize("files, fault", [
    ([], "files is empty"),
    ([{"path": "report.md", "content": "x"}], "files[1]: path must be absolute"),
    ([{"path": "/tmp/a", "content": "x", "mode": "rw-r"}], "files[1]: mode must be an octal string"),
    ([{"path": "/tmp/a", "content": "x"}, {"path": "/tmp/a", "content": "y"}], "files[2]: /tmp/a is named twice"),
    ([{"path": "/tmp/a", "content": "x", "data": {}}], "files[1]: give content or data, not both"),
])
def test_bad_input_names_the_item_and_writes_nothing(tmp_path, files, fault):
    first = {"path": str(tmp_path / "first.md"), "content": "first"}    # valid, and still not written
    with pytest.raises(InvalidInputError) as caught:
        write_files([first] + files if files else files)
    assert fault in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_the_module_operation(tmp_path):
    item = {"path": str(tmp_path / "r.json"), "data": [1], "mode": "0640", "content": None}
    out = run({"operation": "report_write", "files": [item]}, check_mode=False)
    assert out["operation"] == "report_write" and out["msg"] == "wrote 1 file(s), 0 unchanged"
    assert json.loads((tmp_path / "r.json").read_text()) == [1]
