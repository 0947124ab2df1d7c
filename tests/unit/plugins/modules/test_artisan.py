"""The artisan module as Ansible runs it: bad input fails cleanly, secrets stay out, main() stays thin."""

import ast
import os

import pytest

from tests.support.modules import REPO_ROOT, run_module

SECRET = "pa55-w0rd-never-shown"


@pytest.mark.parametrize("args, words", [
    ({"command": "raw"}, "command=raw needs `argv`"),
    ({"command": "migrate", "argv": ["x"]}, "only used with command=raw"),
    ({"command": "rollback", "step": 0}, "step must be 1 or more"),
    ({"command": "up", "secret": SECRET}, "only apply to command=down"),
    ({"command": "migrate", "timeout": 0}, "timeout is 0; it must be at least 1 seconds"),
    ({"command": "migrate", "queue": "emails"}, "only apply to command=queue_work_once"),
    ({"command": "nope"}, "value of command must be one of"),
])
def test_bad_input_fails_with_cause_and_no_traceback(tmp_path, args, words):
    result = run_module("artisan", dict({"app_path": str(tmp_path)}, **args))
    assert result.failed and words in result["msg"]
    assert "exception" not in result and "Traceback" not in result["_raw_stdout"] + result["_raw_stderr"]


def test_not_a_laravel_app(tmp_path):
    result = run_module("artisan", {"app_path": str(tmp_path), "command": "version"})
    assert result.failed and "no `artisan` file" in result["msg"] and "Fix:" in result["msg"]


def test_environment_and_secret_values_never_printed(tmp_path):
    result = run_module("artisan", {"app_path": str(tmp_path), "command": "down", "secret": SECRET,
                                    "environment": {"DB_PASSWORD": SECRET + "-db", "REDIS_DB": "0"}})
    assert result.failed
    assert SECRET not in result["_raw_stdout"] and SECRET not in result["_raw_stderr"]


def test_main_is_thin():
    path = os.path.join(REPO_ROOT, "plugins", "modules", "artisan.py")
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    main = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main")
    assert main.end_lineno - main.lineno + 1 <= 30
