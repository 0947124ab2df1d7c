"""Process-group helpers (stdlib only), shared by the emulator and ``sandbox/bin/down``.

Every process the emulator starts runs in its own session (``start_new_session=True``) and carries the
environment marker ``SANDBOX_RAILWAY_STATE=<state dir>`` plus ``RAILWAY_DEPLOYMENT_ID``.  We only ever signal a
process group after checking that marker, so a recycled pid is never hit.

CLI (used by sandbox/bin/down)::

    python3 -m sandbox.railway.procs kill-deployments --state-dir sandbox/.state/railway
"""
import argparse
import json
import os
import signal
import sys
import time

MARKER = "SANDBOX_RAILWAY_STATE"


def read_environ(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    env = {}
    for item in raw.split(b"\0"):
        if b"=" in item:
            k, v = item.split(b"=", 1)
            env[k.decode("utf-8", "replace")] = v.decode("utf-8", "replace")
    return env


def pid_state(pid):
    """The one-letter state from /proc/<pid>/stat, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode("utf-8", "replace")
        return data.rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def pid_alive(pid):
    st = pid_state(pid)
    return st is not None and st not in ("Z", "X")


def pgid_of(pid):
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def is_marked(pid, state_dir, deployment_id=None):
    env = read_environ(pid)
    if not env:
        return False
    if os.path.realpath(env.get(MARKER, "/nonexistent")) != os.path.realpath(state_dir):
        return False
    return deployment_id is None or env.get("RAILWAY_DEPLOYMENT_ID") == deployment_id


def group_members(pgid):
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        if pgid_of(pid) == pgid and pid_alive(pid):
            out.append(pid)
    return out


def kill_group(pgid, grace=3.0):
    """SIGTERM the process group, then SIGKILL whatever is left after ``grace`` seconds."""
    if not pgid or pgid <= 1 or pgid == os.getpgid(0):
        return False
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not group_members(pgid):
            return True
        time.sleep(0.05)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and group_members(pgid):
        time.sleep(0.05)
    return True


def marked_processes(state_dir):
    """All live processes carrying this state dir's marker: {pid: deployment id}."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        env = read_environ(pid)
        if env and MARKER in env and os.path.realpath(env[MARKER]) == os.path.realpath(state_dir):
            if pid_alive(pid):
                found[pid] = env.get("RAILWAY_DEPLOYMENT_ID", "")
    return found


def kill_deployments(state_dir, grace=3.0):
    """Kill every deployment process group recorded in state.json or carrying our marker. Returns pgids."""
    pgids = set()
    path = os.path.join(state_dir, "state.json")
    try:
        with open(path, encoding="utf-8") as fh:
            state = json.load(fh)
    except (OSError, ValueError):
        state = {}
    for dep in (state.get("deployments") or {}).values():
        pid = dep.get("pid")
        if pid and pid_alive(pid) and is_marked(pid, state_dir, dep.get("id")):
            pg = pgid_of(pid)
            if pg:
                pgids.add(pg)
    for pid in marked_processes(state_dir):
        pg = pgid_of(pid)
        if pg:
            pgids.add(pg)
    for pg in sorted(pgids):
        kill_group(pg, grace)
    return sorted(pgids)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m sandbox.railway.procs")
    sub = ap.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("kill-deployments", help="kill every deployment process group of a state dir")
    k.add_argument("--state-dir", required=True)
    k.add_argument("--grace", type=float, default=3.0)
    args = ap.parse_args(argv)
    if args.cmd == "kill-deployments":
        killed = kill_deployments(args.state_dir, args.grace)
        for pg in killed:
            print(f"killed deployment process group {pg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
