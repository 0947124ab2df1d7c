"""The module face: argspec and documentation agree, bad input fails cleanly (in-process, no database)."""

import json

import pytest
import yaml
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.facturino.release.plugins.doc_fragments.postgres import ModuleDocFragment
from ansible_collections.facturino.release.plugins.module_utils.postgres.argspec import pg_backup_argument_spec
from ansible_collections.facturino.release.plugins.modules import pg_backup


def run(monkeypatch, capsys, args):
    args = dict(args, _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False)
    monkeypatch.setattr(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args})))
    monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
    with pytest.raises(SystemExit):
        pg_backup.main()
    return json.loads(capsys.readouterr().out)


def test_every_option_is_documented_with_matching_type():
    docs = yaml.safe_load(pg_backup.DOCUMENTATION)["options"]
    docs.update(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"])
    spec = pg_backup_argument_spec()
    assert set(docs) == set(spec)
    for name, option in spec.items():
        assert docs[name]["type"] == option["type"], name
        assert docs[name].get("default") == option.get("default"), name
    assert spec["password"]["no_log"] and spec["database_url"]["no_log"]


def test_return_keys_documented_completely():
    for key, doc in yaml.safe_load(pg_backup.RETURN).items():
        assert {"description", "returned", "type", "sample"} <= set(doc), key


@pytest.mark.parametrize("args,needle", [
    ({"state": "dumped", "dbname": "x"}, "dest"),
    ({"state": "dumped", "dest": "/tmp/x", "database_url": "mysql://u:Pw-12345678@h/db"}, "postgres://"),
    ({"state": "dumped", "dest": "/tmp/x", "dbname": "x", "compression": 12}, "compression is 12; it must be at most 9"),
    ({"state": "dumped", "dest": "/tmp/x", "dbname": "x", "jobs": 4}, "format=directory"),
    ({"state": "pruned", "dest": "/tmp/x"}, "keep_last"),
    ({"state": "dumped", "dest": "/tmp/x", "dbname": "x", "label": "../../etc"}, "label"),
])
def test_bad_input_fails_with_cause_and_no_traceback(monkeypatch, capsys, tmp_path, args, needle):
    result = run(monkeypatch, capsys, args)
    assert result["failed"] is True
    assert needle in result["msg"]
    assert "exception" not in result and "Traceback" not in result["msg"]


def test_password_in_url_is_masked_in_the_result(monkeypatch, capsys):
    args = {"state": "dumped", "dest": "/tmp/x", "database_url": "mysql://u:Hunter2Secret@h/db"}
    result = run(monkeypatch, capsys, args)
    assert "Hunter2Secret" not in json.dumps(result)


def test_listed_on_empty_dest_is_unchanged(monkeypatch, capsys, tmp_path):
    result = run(monkeypatch, capsys, {"state": "listed", "dest": str(tmp_path)})
    assert result["changed"] is False and result["backups"] == [] and result["count"] == 0
