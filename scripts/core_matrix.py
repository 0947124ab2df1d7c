"""The ansible-core version matrix: every minor that meta/runtime.yml claims, each in its own venv.

On each core it runs the unit tests, `ansible-doc` for every module, and scenario 1 (a good release) and scenario 3
(health 500, rolled back) of tests/integration/test_release_scenarios.py on a sandbox of its own, then prints a table.

The venvs live outside the clone, under $FACTURINO_CACHE_DIR (default ~/.cache/facturino-release)/venvs/<core>-py<X.Y>,
so later runs and other clones on the machine reuse them; scripts/bootstrap.sh reinstalls one only when the
requirements (or the core pin) change. The matrix's sandbox has its own state directory (sandbox/.state-matrix),
database and ports, so it runs beside the test suites that use the default sandbox:
  FACTURINO_MATRIX_PORT (25790), FACTURINO_MATRIX_DOMAIN_PORT (25791), FACTURINO_MATRIX_DEPLOY_PORTS (25800-25899),
  FACTURINO_MATRIX_DB_NAME (facturino_matrix), FACTURINO_MATRIX_CORES (all, or e.g. "2.17,2.21").
A core whose Python is not installed is reported as skipped; FACTURINO_MATRIX_STRICT=1 makes that a failure.
Only the standard library is used: `python scripts/core_matrix.py` runs under any Python 3 (make matrix).
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every ansible-core minor meta/runtime.yml claims, with the controller Python it runs on here: 3.11 where the
# core supports it (2.17: 3.10-3.12; 2.18, 2.19: 3.11-3.13), then 3.12 and 3.13 (2.20, 2.21: 3.12-3.14).
CORES = [("2.17", "3.11"), ("2.18", "3.11"), ("2.19", "3.11"), ("2.20", "3.12"), ("2.21", "3.13")]
# The controller Pythons of each core (ansible-core's support matrix).
CONTROLLER_PYTHONS = {"2.17": ("3.10", "3.11", "3.12"), "2.18": ("3.11", "3.12", "3.13"), "2.19": ("3.11", "3.12", "3.13"),
                      "2.20": ("3.12", "3.13", "3.14"), "2.21": ("3.12", "3.13", "3.14")}
SCENARIOS = {"scenario 1": "test_scenario1_", "scenario 3": "test_scenario3_"}
SCENARIO_FILE = "tests/integration/test_release_scenarios.py"
# The controller's side, on the oldest and the newest core: the example CI workflow's release step, which drives the
# release through ansible-runner (test_release_runner.py, the runner API in depth, runs in the default suites).
CONTROLLER_FILES = ["tests/integration/test_ci_example.py"]


def cache_dir():
    base = os.environ.get("FACTURINO_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "facturino-release")
    return os.path.join(base, "venvs")


def sandbox_env():
    """The environment of the matrix's own sandbox (never the caller's default one)."""
    env = dict(os.environ)
    env.update({
        "RAILWAY_EMULATOR_PORT": os.environ.get("FACTURINO_MATRIX_PORT", "25790"),
        "RAILWAY_EMULATOR_DOMAIN_PORT": os.environ.get("FACTURINO_MATRIX_DOMAIN_PORT", "25791"),
        "RAILWAY_EMULATOR_DEPLOY_PORTS": os.environ.get("FACTURINO_MATRIX_DEPLOY_PORTS", "25800-25899"),
        "SANDBOX_DB_NAME": os.environ.get("FACTURINO_MATRIX_DB_NAME", "facturino_matrix"),
        "SANDBOX_STATE_DIR": os.path.join(ROOT, "sandbox", ".state-matrix"),
    })
    for name in ("VIRTUAL_ENV", "PYTHONHOME"):
        env.pop(name, None)
    return env


def say(message):
    print("[matrix %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def run(argv, env, log, timeout=1800):
    """Run ``argv`` from the repository root, appending its output to ``log``; returns the exit code."""
    with open(log, "a", encoding="utf-8") as handle:
        handle.write("$ %s\n" % " ".join(shlex.quote(a) for a in argv))
        handle.flush()
        try:
            return subprocess.run(argv, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                  timeout=timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            handle.write("timed out after %s s\n" % timeout)
            return 124


def bootstrap(core, python, venv, env, log):
    """Create or reuse the core's venv; returns 'ok', 'skipped' (no such Python) or 'failed'."""
    rc = run([os.path.join(ROOT, "scripts", "bootstrap.sh")],
             dict(env, FACTURINO_VENV=venv, FACTURINO_PYTHON="python" + python, FACTURINO_CORE=core,
                  FACTURINO_REQUIREMENTS="requirements-test.txt"), log)
    return {0: "ok", 3: "skipped"}.get(rc, "failed")


def versions(venv):
    out = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                          "import platform; from ansible.release import __version__ as v; "
                          "print(v, platform.python_version())"], capture_output=True, text=True, check=False)
    parts = out.stdout.split()
    return (parts[0], parts[1]) if len(parts) == 2 else ("?", "?")


def units(venv, env, log):
    return "pass" if run([os.path.join(venv, "bin", "python"), "-m", "pytest", "-q", "tests/unit"], env, log) == 0 \
        else "FAIL"


def ansible_doc(venv, env, log):
    """`ansible-doc` renders every module's documentation (it exits 0 on a missing one, so read its JSON)."""
    modules = sorted("facturino.release." + name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("_"))
    proc = subprocess.run([os.path.join(venv, "bin", "ansible-doc"), "-t", "module", "--json"] + modules, cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)
    with open(log, "a", encoding="utf-8") as handle:
        handle.write("$ ansible-doc -t module --json %s\n%s\n" % (" ".join(modules), proc.stderr))
    try:
        docs = json.loads(proc.stdout)
    except ValueError:
        return "FAIL"
    missing = [m for m in modules if not (docs.get(m) or {}).get("doc")]
    if proc.returncode or missing:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("ansible-doc: no documentation for %s (rc %s)\n" % (", ".join(missing), proc.returncode))
        return "FAIL"
    return "pass"


def scenarios(venv, env, log):
    """Scenario 1 and 3 in one pytest run; the outcome of each read from its JUnit XML."""
    with tempfile.TemporaryDirectory(prefix="facturino-matrix-") as tmp:
        xml = os.path.join(tmp, "junit.xml")
        expression = " or ".join(SCENARIOS.values())
        run([os.path.join(venv, "bin", "python"), "-m", "pytest", "-q", SCENARIO_FILE, "-k", expression,
             "--junitxml", xml], env, log)
        outcome = {name: "FAIL (not run)" for name in SCENARIOS}
        if os.path.exists(xml):
            for case in ET.parse(xml).getroot().iter("testcase"):
                for name, prefix in SCENARIOS.items():
                    if case.get("name", "").startswith(prefix):
                        bad = case.find("failure") is not None or case.find("error") is not None
                        skipped = case.find("skipped") is not None
                        outcome[name] = "FAIL" if bad else ("skipped" if skipped else "pass")
        return outcome


def controller(venv, env, log):
    """ansible-runner and the example CI release step (pytest's exit code: 0 only when every test passed)."""
    rc = run([os.path.join(venv, "bin", "python"), "-m", "pytest", "-q"] + CONTROLLER_FILES, env, log)
    return "pass" if rc == 0 else "FAIL"


def table(rows):
    header = ["ansible-core", "Python", "units", "ansible-doc", "scenario 1", "scenario 3", "runner + CI example",
              "seconds"]
    cells = [header] + [[r["core"], r["python"], r["units"], r["doc"], r["scenario 1"], r["scenario 3"],
                         r["controller"], "%.0f" % r["seconds"]] for r in rows]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--cores", default=os.environ.get("FACTURINO_MATRIX_CORES", ""),
                        help="comma-separated minors to run (default: every claimed one)")
    parser.add_argument("--log-dir", default=os.path.join(ROOT, "tests", "output", "matrix"))
    args = parser.parse_args()
    wanted = [c.strip() for c in args.cores.split(",") if c.strip()]
    cores = [(c, p) for c, p in CORES if not wanted or c in wanted]
    unknown = set(wanted) - {c for c, _p in CORES}
    if unknown or not cores:
        known = ", ".join(c for c, _p in CORES)
        parser.error("unknown core(s) %s; the matrix knows %s" % (", ".join(sorted(unknown)) or "-", known))
    strict = os.environ.get("FACTURINO_MATRIX_STRICT") == "1"
    os.makedirs(args.log_dir, exist_ok=True)
    stale = os.path.join(args.log_dir, "table.md")
    if os.path.exists(stale):
        os.unlink(stale)
    env = sandbox_env()
    started = time.monotonic()

    # Venvs first, one after another (each links the collection into the checkout).
    prepared = []
    for core, python in cores:
        venv = os.path.join(cache_dir(), "%s-py%s" % (core, python))
        log = os.path.join(args.log_dir, "ansible-core-%s.log" % core)
        open(log, "w", encoding="utf-8").close()
        t0 = time.monotonic()
        state = bootstrap(core, python, venv, env, log)
        say("ansible-core %s on Python %s: venv %s (%.0f s, %s)" % (core, python, state, time.monotonic() - t0, venv))
        prepared.append((core, python, venv, log, state))

    say("sandbox: %s (port %s, database %s)" % (env["SANDBOX_STATE_DIR"], env["RAILWAY_EMULATOR_PORT"],
                                                env["SANDBOX_DB_NAME"]))
    sandbox_log = os.path.join(args.log_dir, "sandbox.log")
    if run([os.path.join(ROOT, "sandbox", "bin", "up")], env, sandbox_log) != 0:
        say("the matrix's sandbox did not come up; see %s" % sandbox_log)
        return 1

    rows = []
    try:
        for core, python, venv, log, state in prepared:
            row = {"core": core, "python": python, "units": "-", "doc": "-", "scenario 1": "-", "scenario 3": "-",
                   "controller": "-", "seconds": 0.0}
            if state != "ok":
                label = "skipped (no python%s)" % python if state == "skipped" else "FAIL (venv)"
                row.update({"units": label})
                rows.append(row)
                say("ansible-core %s: %s, see %s" % (core, label, log))
                continue
            t0 = time.monotonic()
            row["core"], row["python"] = versions(venv)
            say("ansible-core %s on Python %s: unit tests, ansible-doc, scenarios 1 and 3 ..." % (row["core"], row["python"]))
            row["units"] = units(venv, env, log)
            row["doc"] = ansible_doc(venv, env, log)
            row.update(scenarios(venv, env, log))
            if core in (cores[0][0], cores[-1][0]):
                row["controller"] = controller(venv, env, log)
            row["seconds"] = time.monotonic() - t0
            say("ansible-core %s: units %s, ansible-doc %s, scenario 1 %s, scenario 3 %s, runner + CI example %s (%.0f s)"
                % (row["core"], row["units"], row["doc"], row["scenario 1"], row["scenario 3"], row["controller"],
                   row["seconds"]))
            rows.append(row)
    finally:
        run([os.path.join(ROOT, "sandbox", "bin", "down")], env, sandbox_log)

    text = table(rows)
    print()
    print(text)
    print()
    with open(os.path.join(args.log_dir, "table.md"), "w", encoding="utf-8") as handle:
        handle.write("ansible-core version matrix (%s):\n\n%s\n" % (time.strftime("%Y-%m-%d %H:%M"), text))
    failed = [r["core"] for r in rows
              if any(str(r[k]).startswith("FAIL") for k in ("units", "doc", "scenario 1", "scenario 3", "controller"))]
    skipped = [r["core"] for r in rows if str(r["units"]).startswith("skipped")]
    total = time.monotonic() - started
    if failed:
        print("matrix: FAILED on ansible-core %s after %.0f s; logs in %s" % (", ".join(failed), total, args.log_dir))
        return 1
    if skipped and strict:
        print("matrix: %s skipped (their Python is missing) and FACTURINO_MATRIX_STRICT=1" % ", ".join(skipped))
        return 1
    print("matrix: %d ansible-core version(s) passed%s in %.0f s" % (
        len(rows) - len(skipped), " (%s skipped: Python missing)" % ", ".join(skipped) if skipped else "", total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
