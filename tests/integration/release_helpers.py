"""Helpers for the release scenario tests: run playbooks, read the emulator, the database and git."""

import json
import os
import re
import subprocess
import sys
import time

from tests.support.modules import REPO_ROOT, run_module

VENV_BIN = os.path.dirname(sys.executable)


def reset_sandbox():
    subprocess.run([os.path.join(REPO_ROOT, "sandbox", "bin", "reset")], check=True, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL)


def playbook_cmd(playbook, extra_vars, check=False, tags=None):
    cmd = [os.path.join(VENV_BIN, "ansible-playbook"), os.path.join("playbooks", playbook),
           "-e", json.dumps(extra_vars)]
    if check:
        cmd.append("--check")
    if tags:
        cmd += ["--tags", tags]
    return cmd


def run_playbook(playbook, extra_vars, check=False, tags=None, timeout=900):
    """Run a playbook from the repository root (ansible.cfg applies); returns (rc, output)."""
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1",
               ANSIBLE_FORCE_COLOR="0")
    proc = subprocess.run(playbook_cmd(playbook, extra_vars, check, tags), cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def recap(output):
    """The PLAY RECAP counters of localhost."""
    found = re.findall(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert found, "no PLAY RECAP in output:\n" + output[-3000:]
    ok, changed, unreachable, failed = (int(x) for x in found[-1])
    return {"ok": ok, "changed": changed, "unreachable": unreachable, "failed": failed}


def latest_report(reports_dir, tag):
    base = os.path.join(reports_dir, tag)
    runs = sorted(os.listdir(base), key=lambda d: os.path.getmtime(os.path.join(base, d)))
    with open(os.path.join(base, runs[-1], "report.json"), encoding="utf-8") as handle:
        doc = json.load(handle)
    with open(os.path.join(base, runs[-1], "report.md"), encoding="utf-8") as handle:
        return doc, handle.read()


def railway(sandbox, **options):
    args = {"api_url": sandbox["api_url"], "token": sandbox["project_token"], "token_type": "project",
            "project": sandbox["project_id"], "environment": sandbox["environment_id"], "service": sandbox["service_id"]}
    args.update(options)
    return run_module("railway_deploy", args)


def active_commit(state):
    info = railway(state, state="inspected", limit=50)
    active = info.get("active") or []
    return (active[0] if active else {}).get("commit_sha"), info


def deployment_count(state):
    return len(railway(state, state="inspected", limit=200).get("deployments") or [])


def db_connect(state):
    import psycopg2  # noqa: PLC0415 (only the integration tests need it)

    return psycopg2.connect(state["database_url"])


def table_counts(state):
    with db_connect(state) as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
        tables = [row[0] for row in cur.fetchall()]
        counts = {}
        for table in tables:
            cur.execute('SELECT count(*) FROM "%s"' % table)
            counts[table] = cur.fetchone()[0]
    return counts


def migrations(state):
    with db_connect(state) as conn, conn.cursor() as cur:
        cur.execute("SELECT migration, batch FROM migrations ORDER BY id")
        return cur.fetchall()


def two_factor_columns(state):
    with db_connect(state) as conn, conn.cursor() as cur:
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' "
                    "AND column_name LIKE 'two_factor%' ORDER BY 1")
        return [row[0] for row in cur.fetchall()]


def git(state, *args):
    return subprocess.run(["git", "-C", state["app_repo"]] + list(args), capture_output=True, text=True,
                          check=False).stdout.strip()


def tag_commit(state, tag):
    return git(state, "rev-parse", "-q", "--verify", tag + "^{commit}")


def http_status(url):
    import requests  # noqa: PLC0415

    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return None


def wait_for(predicate, timeout=60, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def secrets_of(state):
    """Every secret value of the sandbox, to prove none leaks."""
    values = [state["project_token"], state.get("account_token"), state["admin_password"], state.get("app_key")]
    db = state.get("db") or {}
    values.append(db.get("password"))
    return [v for v in values if v and len(str(v)) >= 6]
