"""Release-level fault matrix (issue 14): run playbooks/release.yml on the sandbox under one fault at a time, and check
after each that nothing was lost.

    make faults                       (or: python -m tests.faults.run_faults [name ...])

Each fault has an expected outcome. After the run, "nothing lost" means:
  db       - the migrations table and the row counts of the data tables are as before (or, after a release that
             succeeded, the migrations are the ones before plus this release's);
  ledger   - the ledger's last entry agrees with Railway (a good release names the active deployment; a failed one
             names in `serving` the deployment that is active);
  lock     - no release lock is left;
  report   - report.json was written for the run;
  serving  - the deployment Railway serves is the one the report names (the deployment of a success, or `live_now`).
It prints a table: fault, expected, observed, ok. Not part of `make test` (about 7 minutes).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO_ROOT)

from tests.integration import release_helpers as rh  # noqa: E402

STATE = os.path.join(os.environ.get("SANDBOX_STATE_DIR") or os.path.join(REPO_ROOT, "sandbox", ".state"),
                     "sandbox.json")
TWO_FA = "2025_11_16_233237_add_two_factor_columns_to_users_table"
# tables the app itself writes while it is checked (sessions, the queue probe job, the cache round trip)
RUNTIME_TABLES = {"migrations", "sessions", "jobs", "failed_jobs", "cache", "cache_locks", "job_batches"}
BROKEN = {"preflight_required_migrations": [], "migrate_required_columns": {}, "migrate_expected_columns": {},
          "release_tag": "v1.0.1"}


def admin(sb, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(sb["admin_url"] + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read().decode())


def emulator_state(sb):
    return admin(sb, "GET", "/state")


def free_port():
    import socket  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- faults: each returns (extra vars, how to run); setup may inject emulator faults --------------------------------
def f_none(sb):
    return {}, None


def f_lost_deploy_reset(sb):
    admin(sb, "POST", "/faults", {"lose_answer": {"count": 1, "mode": "reset", "match": "mutation ServiceInstanceDeployV2"}})
    return {}, None


def f_lost_deploy_timeout(sb):
    admin(sb, "POST", "/faults", {"lose_answer": {"count": 1, "mode": "timeout", "seconds": 33,
                                                  "match": "mutation ServiceInstanceDeployV2"}})
    return {}, None


def f_5xx_storm(sb):
    # four failures in a row: within the default retries (4), so the poll that meets them still succeeds
    admin(sb, "POST", "/faults", {"http_5xx": {"count": 2, "status": 503, "match": "query Deployment("}})
    admin(sb, "POST", "/faults", {"rate_limit": {"count": 1, "retry_after": 1, "match": "query Deployment("}})
    admin(sb, "POST", "/faults", {"cloudflare_403": {"count": 1, "match": "query Deployment("}})
    return {}, None


def f_5xx_storm_past_budget(sb):
    # more failures in a row than the retries: the wait gives up while the deployment goes live anyway; what
    # serves (this release, without its migration) decides the rollback
    admin(sb, "POST", "/faults", {"http_5xx": {"count": 5, "status": 502, "match": "query Deployment("}})
    return {}, None


def f_broken_build(sb):
    return dict(BROKEN, release_ref="broken/lint"), None


def f_health_500(sb):
    return dict(BROKEN, release_ref="broken/health-500"), None


def f_migration_fails(sb):
    return dict(BROKEN, release_ref="broken/migration-fails"), None


def f_rollback_refused(sb):
    admin(sb, "POST", "/faults", {"graphql_error": {"count": 20, "message": "Deployment cannot be rolled back",
                                                    "match": "mutation DeploymentRollback"}})
    return dict(BROKEN, release_ref="broken/health-500"), None


def f_rollback_target_gone(sb):
    admin(sb, "POST", "/deploy", {"commit": sb["commits"]["base"], "wait": 60})
    admin(sb, "POST", "/expire_image", {"deployment_id": emulator_state(sb)["active_deployment_id"]})
    return dict(BROKEN, release_ref="broken/health-500"), None


def f_lost_rollback_answer(sb):
    admin(sb, "POST", "/faults", {"lose_answer": {"count": 1, "mode": "reset", "match": "mutation DeploymentRollback"}})
    return dict(BROKEN, release_ref="broken/health-500"), None


def f_after_go_live_in_deploy(sb):
    return {"monitor_interval": "not-a-number"}, None


def f_smtp_down(sb):
    return {"notify_smtp_host": "127.0.0.1", "notify_smtp_port": free_port(), "notify_smtp_security": "none",
            "notify_mail_to": ["ops@facturino.test"], "notify_mail_from": "release@facturino.test"}, None


def f_ctrl_c_in_deploy(sb):
    return {}, "ctrl_c"


FAULTS = [
    # name, setup, expected outcome, expected deployments of the release commit (None: not checked)
    ("none", f_none, "success"),
    ("railway: deploy answer lost (reset)", f_lost_deploy_reset, "success"),
    ("railway: deploy answer lost (timeout)", f_lost_deploy_timeout, "success"),
    ("railway: 5xx/429/HTML 403 on polls", f_5xx_storm, "success"),
    ("railway: 5xx storm past the retries (wait)", f_5xx_storm_past_budget, "rolled_back"),
    ("app: build fails (php -l)", f_broken_build, "failed"),
    ("app: health 500 after go-live", f_health_500, "rolled_back"),
    ("app: migration fails half way", f_migration_fails, "rolled_back"),
    ("railway: rollback refused", f_rollback_refused, "rollback_failed"),
    ("railway: ledger's rollback target gone", f_rollback_target_gone, "rolled_back"),
    ("railway: rollback answer lost", f_lost_rollback_answer, "rolled_back"),
    ("task fails after go-live (deploy)", f_after_go_live_in_deploy, "rolled_back"),
    ("notify: SMTP down", f_smtp_down, "success"),
    ("ctrl-c in deploy, then plain run", f_ctrl_c_in_deploy, "interrupted+success"),
]


# -- one fault -------------------------------------------------------------------------------------------------------
def data_counts(sb):
    return {t: n for t, n in rh.table_counts(sb).items() if t not in RUNTIME_TABLES}


def run_release(extra, how, sb):
    if how != "ctrl_c":
        return [rh.run_playbook("release.yml", extra)]
    env = dict(os.environ, PATH=rh.VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    proc = subprocess.Popen([sys.executable, "scripts/release.py", "playbooks/release.yml", "-e", json.dumps(extra)],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    migration = sb["commits"]["migration"]
    rh.wait_for(lambda: migration in {d["commit"] for d in emulator_state(sb)["deployments"]}, timeout=240)
    proc.send_signal(signal.SIGINT)
    out, _err = proc.communicate(timeout=600)
    return [(proc.returncode, out), rh.run_playbook("release.yml", extra)]


def check(sb, tmp, extra, outcome_expected, before):
    tag = extra.get("release_tag", "v1.0.0")
    reports = os.path.join(tmp, "reports")
    problems, observed = [], "no report"
    try:
        doc, _md = rh.latest_report(reports, tag)
        observed = doc["outcome"]
    except (OSError, ValueError, IndexError):
        problems.append("report: none written")
        doc = {}
    state = emulator_state(sb)
    active_id = state["active_deployment_id"]
    active = next((d for d in state["deployments"] if d["id"] == active_id), {})
    # db
    migrations = [m for m, _batch in rh.migrations(sb)]
    wanted = before["migrations"] + ([TWO_FA] if observed == "success" and tag == "v1.0.0"
                                     and TWO_FA not in before["migrations"] else [])
    if migrations != wanted:
        problems.append("db: migrations %s, expected %s" % (migrations[len(before["migrations"]) - 1:], wanted[-1:]))
    counts = data_counts(sb)
    if counts != before["counts"]:
        changed = {t: (before["counts"].get(t), n) for t, n in counts.items() if before["counts"].get(t) != n}
        problems.append("db: row counts changed %s" % changed)
    # lock
    lock = os.path.join(tmp, "state", sb["environment_name"], "release.lock")
    if os.path.exists(lock):
        problems.append("lock: left behind")
    # ledger and serving
    try:
        with open(os.path.join(tmp, "state", sb["environment_name"], "ledger.json"), encoding="utf-8") as handle:
            entry = json.load(handle)["releases"][-1]
    except (OSError, ValueError, IndexError):
        entry = {}
        problems.append("ledger: no entry")
    if observed in ("success", "noop"):
        if entry and entry.get("status") != "good":
            problems.append("ledger: status %s after success" % entry.get("status"))
        if entry and entry.get("deployment_id") not in (active_id, None):
            problems.append("ledger: names %s, Railway serves %s" % (entry.get("deployment_id"), active_id))
        named = (doc.get("sections", {}).get("deploy") or {}).get("deployment_id")
        if named and named != active_id:
            problems.append("serving: report names %s, Railway serves %s" % (named, active_id))
    elif doc:
        served = ((entry.get("serving") or {}).get("active") or {}).get("id")
        if entry and served != active_id:
            problems.append("ledger: serving %s, Railway serves %s" % (served, active_id))
        if active_id not in (doc.get("live_now") or ""):
            problems.append("serving: report's live_now does not name %s" % active_id)
    # no duplicate: one deployment of the release's commit, at most one rollback deployment
    release_commit = (doc.get("commit") or "")
    made = [d for d in state["deployments"] if release_commit and d.get("commit") == release_commit
            and d["id"] not in before["deployments"]]
    if len(made) > 1:
        problems.append("railway: %d deployments of %s" % (len(made), release_commit[:12]))
    rollbacks = [d for d in state["deployments"] if d.get("reason") == "rollback" and d["id"] not in before["deployments"]]
    if len(rollbacks) > 1:
        problems.append("railway: %d rollback deployments" % len(rollbacks))
    if rh.http_status(sb["domain_url"] + "/api/health") not in (200, 500):
        problems.append("serving: the domain does not answer")
    expected_final = outcome_expected.split("+")[-1]
    if observed != expected_final:
        problems.append("outcome %s, expected %s" % (observed, expected_final))
    return observed, problems, active.get("commit")


def run_fault(sb, name, setup, expected):
    rh.reset_sandbox()
    admin(sb, "DELETE", "/faults")
    tmp = tempfile.mkdtemp(prefix="faults-")
    extra = {"release_state_dir": os.path.join(tmp, "state"), "release_reports_dir": os.path.join(tmp, "reports"),
             "verify_browser": False}
    more, how = setup(sb)
    extra.update(more)
    before = {"migrations": [m for m, _b in rh.migrations(sb)], "counts": data_counts(sb),
              "deployments": {d["id"] for d in emulator_state(sb)["deployments"]}}
    started = time.monotonic()
    runs = run_release(extra, how, sb)
    seconds = time.monotonic() - started
    admin(sb, "DELETE", "/faults")
    observed, problems, _commit = check(sb, tmp, extra, expected, before)
    if how == "ctrl_c":
        first_rc, first_out = runs[0]
        first = "interrupted" if first_rc == 130 and "INTERRUPTED" in first_out else "rc %s" % first_rc
        observed = first + "+" + observed
        if "took over a stale release lock" in runs[1][1]:
            problems.append("lock: the plain run had to take the lock over")
    rcs = [rc for rc, _out in runs]
    if expected.split("+")[-1] == "success" and rcs[-1] != 0:
        problems.append("rc %s" % rcs[-1])
    if expected.split("+")[-1] != "success" and rcs[-1] == 0:
        problems.append("rc 0 after a failure")
    return {"fault": name, "expected": expected, "observed": observed, "ok": not problems and observed == expected,
            "problems": problems, "seconds": round(seconds), "tmp": tmp}


def main(names):
    with open(STATE, encoding="utf-8") as handle:
        sb = json.load(handle)
    chosen = [f for f in FAULTS if not names or any(n in f[0] for n in names)]
    rows = []
    for name, setup, expected in chosen:
        row = run_fault(sb, name, setup, expected)
        rows.append(row)
        verdict = "ok" if row["ok"] else "FAIL"
        problems = "" if row["ok"] else " " + "; ".join(row["problems"])
        print("%-42s %-22s %-22s %s (%d s)%s" % (row["fault"], row["expected"], row["observed"], verdict,
                                                 row["seconds"], problems), flush=True)
    rh.reset_sandbox()
    print("\n| fault | expected | observed | nothing lost | ok |\n|---|---|---|---|---|")
    for row in rows:
        print("| %s | %s | %s | %s | %s |" % (row["fault"], row["expected"], row["observed"],
                                              "yes" if not row["problems"] else "; ".join(row["problems"]),
                                              "ok" if row["ok"] else "FAIL"))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
