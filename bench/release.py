"""Benchmark (not a test): playbooks/release.yml against a plain sequential shell script, side by side.

    python bench/release.py [--rounds N] [--skip-recovery] [--browser]

Each round resets the sandbox, runs the shell baseline (bench/release_baseline.sh: the runbook's commands for
scenario 1), resets again and runs release.yml for the same scenario, with the same checks as the script (so
without the browser tests, which bench/browser.py measures; --browser adds them), then prints:
  - the wall times and their ratio (target: release.yml <= 1.25x the script on an idle machine), with the load
    average before each round (the machine is shared: a ratio means little above a load of about 1),
  - the number of tasks (module tasks vs cheap and in-process tasks, and the `TASK [` lines Ansible printed, skipped
    ones included), and Ansible's overhead per task,
  - the time to recover in scenario 3 (health 500): from the rollback verdict (verify fails) to the previous
    version answering 200 on the domain (target: < 15 s plus the emulator's deploy time).
Results also go to bench/results/release-<time>.json.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
CHEAP = {"ansible.builtin.set_fact", "ansible.builtin.debug", "ansible.builtin.assert", "ansible.builtin.fail",
         "ansible.builtin.include_role", "ansible.builtin.include_tasks", "ansible.builtin.import_tasks",
         "ansible.builtin.validate_argument_spec", "ansible.builtin.meta",
         # runs in the worker process on a local connection (plugins/action/release_state.py)
         "facturino.release.release_state"}


def sandbox():
    with open(os.path.join(ROOT, "sandbox", ".state", "sandbox.json"), encoding="utf-8") as handle:
        return json.load(handle)


def reset():
    subprocess.run([os.path.join(ROOT, "sandbox", "bin", "reset")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def run_shell(state, workdir):
    env = dict(os.environ, APP=state["app_repo"], API=state["api_url"], TOKEN=state["project_token"],
               PROJECT_ID=state["project_id"], ENV_ID=state["environment_id"], SERVICE_ID=state["service_id"], DOMAIN=state["domain_url"],
               DATABASE_URL=state["database_url"], BACKUPS=workdir, ADMIN_EMAIL=state["admin_email"],
               ADMIN_PASSWORD=state["admin_password"], MONITOR_SECONDS="6", MONITOR_INTERVAL="0.5")
    started = time.monotonic()
    proc = subprocess.run(["bash", os.path.join(ROOT, "bench", "release_baseline.sh")], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit("baseline failed:\n" + proc.stdout + proc.stderr)
    return elapsed


def run_playbook(workdir, extra=None, timings=None):
    extra_vars = {"release_state_dir": os.path.join(workdir, "state"),
                  "release_reports_dir": os.path.join(workdir, "reports")}
    extra_vars.update(extra or {})
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    if timings:
        env.update(ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, "bench", "callback_plugins"),
                   ANSIBLE_CALLBACKS_ENABLED="task_timer", TASK_TIMER_OUT=timings)
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "playbooks/release.yml", "-e", json.dumps(extra_vars)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return time.monotonic() - started, proc


def task_stats(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    ran = [r for r in rows if r["status"] != "skipped"]
    module = [r for r in ran if r["action"] not in CHEAP]
    return {"tasks": len(ran), "module_tasks": len(module), "cheap_tasks": len(ran) - len(module),
            "module_task_seconds": round(sum(r["seconds"] for r in module), 2),
            "slowest": sorted(({"task": r["task"], "s": r["seconds"]} for r in module), key=lambda r: -r["s"])[:8]}


def recovery(state, workdir):
    """Scenario 3: poll /api/health while release.yml rolls the 500 deployment back."""
    samples, stop = [], threading.Event()

    def poll():
        import requests  # noqa: PLC0415
        while not stop.is_set():
            try:
                code = requests.get(state["domain_url"] + "/api/health", timeout=2).status_code
            except requests.RequestException:
                code = None
            samples.append((time.time(), code))
            time.sleep(0.1)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    scenario3 = {"release_ref": "broken/health-500", "release_tag": "v1.0.1", "preflight_required_migrations": [],
                 "migrate_required_columns": {}, "migrate_expected_columns": {}}
    _elapsed, proc = run_playbook(workdir, scenario3)
    stop.set()
    thread.join()
    base = os.path.join(workdir, "reports", "v1.0.1")
    run = sorted(os.listdir(base))[-1]
    with open(os.path.join(base, run, "report.json"), encoding="utf-8") as handle:
        doc = json.load(handle)
    first_500 = next((t for t, c in samples if c == 500), None)
    recovered = next((t for t, c in samples if first_500 and t > first_500 and c == 200), None)
    verify = next(s for s in doc["timeline"] if s["section"] == "verify")
    verdict_at = time.mktime(time.strptime(verify["started_at"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone + verify["duration_s"]
    return {"outcome": doc["outcome"], "rc": proc.returncode,
            "rollback_to_200_s (report)": doc["sections"]["rollback"].get("recovered_after_s"),
            "verdict_to_200_s": round(recovered - verdict_at, 2) if recovered else None,
            "served_500_for_s": round(recovered - first_500, 2) if recovered and first_500 else None,
            "deploy_s": doc["sections"]["deploy"].get("duration_s")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--skip-recovery", action="store_true")
    parser.add_argument("--browser", action="store_true", help="also run the browser tests (the script has none)")
    args = parser.parse_args()
    state = sandbox()
    results = {"rounds": []}
    for index in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            load = round(os.getloadavg()[0], 2)
            reset()
            shell_s = run_shell(state, tmp)
            reset()
            timings = os.path.join(tmp, "timings.jsonl")
            play_s, proc = run_playbook(tmp, extra={"verify_browser": args.browser}, timings=timings)
            if proc.returncode != 0:
                raise SystemExit("release.yml failed:\n" + proc.stdout[-4000:])
            stats = task_stats(timings)
            stats["task_lines"] = proc.stdout.count("TASK [")
            results["rounds"].append({"shell_s": round(shell_s, 2), "playbook_s": round(play_s, 2),
                                      "ratio": round(play_s / shell_s, 2), "load_average_1m": load, **stats,
                                      "overhead_per_task_s": round((play_s - shell_s) / max(stats["tasks"], 1), 3),
                                      "overhead_per_module_task_s": round((play_s - shell_s) / max(stats["module_tasks"], 1), 3)})
            print("round %d (load %.2f): shell %.1f s, release.yml %.1f s, ratio %.2f, %d tasks (%d module tasks), "
                  "%d TASK lines" % (index + 1, load, shell_s, play_s, play_s / shell_s, stats["tasks"],
                                     stats["module_tasks"], stats["task_lines"]))
    if not args.skip_recovery:
        with tempfile.TemporaryDirectory() as tmp:
            reset()
            results["recovery"] = recovery(state, tmp)
        reset()
    ratios = [r["ratio"] for r in results["rounds"]]
    results["summary"] = {"ratio_median": statistics.median(ratios), "target_ratio": 1.25,
                          "load_average": os.getloadavg()}
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    out = os.path.join(ROOT, "bench", "results", time.strftime("release-%Y%m%dT%H%M%S.json"))
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    print(json.dumps(results, indent=2))
    print("written to", out)


if __name__ == "__main__":
    main()
