"""The bad-input corpus: every module with malformed options, and against servers that answer badly.

A case is ``Case(id, module, args, needles, timeout=0, expect="fail")``: ``args`` may hold ``{srv}`` (the bad
server's base URL) and ``{tmp}`` (the case's own directory); ``needles`` must all appear in the failure ``msg``
(the option or the server's fault, named); ``_corpus_files`` in ``args`` are written to ``{tmp}`` first;
``timeout`` is the time the case's own options allow (the module must finish within it + 2 s, not counting the
time it stood in the CPU run queue of a loaded machine). Canaries are planted in every secret option; none may
appear in any output.

:func:`run_case` runs the module as Ansible does (its own process, JSON arguments) and returns what a test
checks. ``CORPUS_COLLECTIONS`` (a directory holding ``ansible_collections/facturino/release``) runs the corpus
against another copy of the collection, to measure a baseline.
"""

import json
import os
import subprocess
import sys
import time
import uuid

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CANARY = "c4n4ry"
TOKEN = CANARY + "-token-5b1e"
HEADER_SECRET = CANARY + "-header-9d2c"
URL_SECRET = CANARY + "-urlpass-77aa"
HOOK_SECRET = CANARY + "-hook-31f0"
SMTP_SECRET = CANARY + "-smtp-0c4d"
DB_SECRET = CANARY + "-dbpass-e5e5"
ENV_SECRET = CANARY + "-appkey-4411"
SLACK = 1.0 if os.environ.get("CORPUS_SLACK") is None else float(os.environ["CORPUS_SLACK"])
ALLOWANCE = 2.0  # "finishes within its timeout + 2 s"


class Case:
    def __init__(self, case_id, module, args, needles=(), timeout=0.0, expect="fail"):
        self.id = case_id
        self.module = module
        self.args = args
        self.needles = tuple(needles)
        self.timeout = timeout
        self.expect = expect

    def __repr__(self):
        return self.id


def _fill(value, srv, tmp):
    if isinstance(value, str):
        return value.replace("{srv}", srv).replace("{tmp}", tmp)
    if isinstance(value, dict):
        return {k: _fill(v, srv, tmp) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, srv, tmp) for v in value]
    return value


def collections_root():
    return os.environ.get("CORPUS_COLLECTIONS") or os.path.join(REPO_ROOT, ".collections")


def _marked_processes(marker):
    """PIDs of live processes whose environment carries ``marker`` (the module and anything it started)."""
    found = []
    needle = ("CORPUS_CASE=" + marker).encode()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as handle:
                if needle in handle.read():
                    with open("/proc/%s/stat" % name, encoding="ascii", errors="replace") as stat:
                        if stat.read().rsplit(")", 1)[-1].split()[0] != "Z":
                            found.append(int(name))
        except OSError:
            continue
    return found


def _snapshot(root):
    out = set()
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            out.add(os.path.relpath(os.path.join(base, name), root))
    return out


class Outcome:
    def __init__(self, case, result, seconds, stdout, stderr, leftover_processes, new_files, rc, cpu_wait=0.0):
        self.case = case
        self.result = result
        self.seconds = seconds
        self.cpu_wait = cpu_wait
        self.stdout = stdout
        self.stderr = stderr
        self.leftover_processes = leftover_processes
        self.new_files = new_files
        self.rc = rc

    @property
    def msg(self):
        return str((self.result or {}).get("msg", ""))

    @property
    def overrun(self):
        """Seconds past the case's timeout, not counting the time a loaded machine kept it off the CPU."""
        return self.seconds - self.cpu_wait - self.case.timeout

    @property
    def hung(self):
        return self.overrun > ALLOWANCE

    @property
    def crashed(self):
        result = self.result
        if result is None:
            return True
        return "exception" in result or "please report this as a bug" in self.msg or "Traceback" in self.msg

    @property
    def leaked_secret(self):
        return CANARY in self.stdout or CANARY in self.stderr

    def problems(self):
        """Every way the case did not end cleanly, as sentences ([] when it did)."""
        found = []
        if self.result is None:
            found.append("no JSON result (rc=%s): %s" % (self.rc, (self.stderr or self.stdout)[-600:]))
        elif self.crashed:
            found.append("crash: %s" % self.msg[:300])
        if self.hung:
            found.append("took %.1f s (%.1f s of it waiting for a CPU), more than its timeout %s s + %s s"
                         % (self.seconds, self.cpu_wait, self.case.timeout, ALLOWANCE))
        if self.leftover_processes:
            found.append("left processes behind: %s" % self.leftover_processes)
        if self.new_files:
            found.append("left files behind: %s" % sorted(self.new_files)[:5])
        if self.leaked_secret:
            found.append("a planted secret reached the output")
        if self.result is not None and not self.crashed:
            if self.case.expect == "fail":
                if not self.result.get("failed"):
                    found.append("did not fail")
                missing = [n for n in self.case.needles if n not in self.msg]
                if missing:
                    found.append("msg does not name %s: %s" % (missing, self.msg[:300]))
            elif self.result.get("failed"):
                found.append("failed: %s" % self.msg[:300])
        return found


def _plant_backup(dump_path, manifest):
    """A dump file and a manifest damaged by ``manifest`` (fields to override, other JSON, or raw text)."""
    os.makedirs(os.path.dirname(dump_path), exist_ok=True)
    with open(dump_path, "wb") as handle:
        handle.write(b"PGDMP-not-really")
    if isinstance(manifest, dict):
        data = {"label": "x", "database": "db", "format": "custom", "created_at": "2026-01-01T00:00:00Z",
                "size_bytes": 16, "checksum": {"algorithm": "sha256", "value": "0" * 64}}
        data.update(manifest)
        text = json.dumps(data)
    else:
        text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    with open(dump_path + ".manifest.json", "w", encoding="utf-8") as handle:
        handle.write(text)


# Runs the module as Ansible does (python module.py args.json) and, as it exits, reports how long it stood in the
# CPU run queue (/proc/self/schedstat): time a loaded machine took from it, not time it waited on anything.
RUN_QUEUE_MARK = "[corpus-run-queue-wait "
LAUNCHER = """
import atexit, os, runpy, sys
def report():
    try:
        with open("/proc/self/schedstat") as handle:
            waited = int(handle.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        waited = 0.0
    os.write(2, ("\\n%s%.3f]\\n" % (MARK, waited)).encode())
atexit.register(report)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
""".replace("MARK", repr(RUN_QUEUE_MARK))


def _run_queue_wait(stderr):
    for line in reversed(stderr.splitlines()):
        if line.startswith(RUN_QUEUE_MARK):
            try:
                return float(line[len(RUN_QUEUE_MARK):].rstrip("]"))
            except ValueError:
                return 0.0
    return 0.0


def run_case(case, srv, tmp_dir):
    """Run ``case`` in its own process; ``tmp_dir`` is its working directory and TMPDIR."""
    work = os.path.join(tmp_dir, "work")
    scratch = os.path.join(tmp_dir, "tmp")
    for path in (work, scratch):
        os.makedirs(path, exist_ok=True)
    args = _fill(case.args, srv, work)
    manifest = args.pop("_corpus_manifest", None)
    for name, text in args.pop("_corpus_files", {}).items():  # files the case needs in its directory
        with open(os.path.join(work, name), "w", encoding="utf-8") as handle:
            handle.write(text)
    if manifest is not None:
        _plant_backup(args["path"], manifest)
    args["_ansible_check_mode"] = False
    args["_ansible_diff"] = False
    args_path = os.path.join(tmp_dir, "args.json")
    with open(args_path, "w", encoding="utf-8") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    before = _snapshot(work) | {"tmp/" + p for p in _snapshot(scratch)}
    marker = uuid.uuid4().hex
    env = dict(os.environ)
    env.update(PYTHONPATH=collections_root() + os.pathsep + env.get("PYTHONPATH", ""), CORPUS_CASE=marker,
               TMPDIR=scratch, RAILWAY_TOKEN="", RAILWAY_API_TOKEN="")
    module_path = os.path.join(collections_root(), "ansible_collections", "facturino", "release", "plugins", "modules",
                               case.module + ".py")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, module_path, args_path], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=case.timeout + ALLOWANCE + 15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        stdout, stderr = proc.communicate()
    seconds = time.monotonic() - started
    cpu_wait = _run_queue_wait(stderr)
    leftover = []
    deadline = time.monotonic() + SLACK
    while True:
        leftover = _marked_processes(marker)
        if not leftover or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for pid in leftover:  # the case failed already; do not let its processes disturb the next one
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    after = _snapshot(work) | {"tmp/" + p for p in _snapshot(scratch)}
    result = None
    for line in reversed(stdout.strip().splitlines()):
        if line.strip().startswith("{"):
            try:
                result = json.loads(line)
                break
            except ValueError:
                continue
    return Outcome(case, result, seconds, stdout, stderr, leftover, after - before, proc.returncode, cpu_wait)
