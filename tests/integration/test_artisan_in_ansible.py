"""artisan through real Ansible: results must read as success to the task executor in check mode too."""

import json
import os
import subprocess
import sys

import pytest

from tests.support.modules import REPO_ROOT

pytestmark = pytest.mark.sandbox


@pytest.mark.parametrize("command", ["config:cache", "route:cache", "down"])
def test_check_mode_prediction_is_not_a_failed_task(sandbox, tmp_path, command):
    app = tmp_path / "app"
    subprocess.run(["git", "clone", "-q", sandbox["origin_repo"], str(app)], check=True)
    args = {"app_path": str(app), "command": command,
            "environment": {"DATABASE_URL": sandbox["database_url"], "APP_KEY": sandbox["app_key"]}}
    env = dict(os.environ, ANSIBLE_CALLBACK_RESULT_FORMAT="json", ANSIBLE_NOCOLOR="1")
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible"), "localhost", "-m", "facturino.release.artisan",
         "-a", json.dumps(args), "--check", "-e", "ansible_python_interpreter=" + sys.executable],
        cwd=REPO_ROOT, capture_output=True, text=True, env=env, check=False, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    status, _sep, body = proc.stdout.partition(" => ")
    assert "CHANGED" in status, proc.stdout[-2000:]
    result = json.loads(body)
    assert not result.get("failed") and result["changed"] is True
    assert not (app / "bootstrap" / "cache" / "config.php").exists()
    assert not (app / "storage" / "framework" / "down").exists()
    assert sandbox["app_key"] not in proc.stdout
