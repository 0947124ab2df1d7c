"""Helpers for sandbox/bin/up, down and reset (stdlib only, talks to the emulator's admin API).

    python3 -m sandbox.railway.lifecycle health      --admin URL
    python3 -m sandbox.railway.lifecycle reset       --admin URL
    python3 -m sandbox.railway.lifecycle ensure-base --admin URL --app-json PATH [--timeout S]
    python3 -m sandbox.railway.lifecycle reset-base  --admin URL --app-json PATH [--timeout S]
    python3 -m sandbox.railway.lifecycle write-json  --admin URL --app-json PATH --out PATH
    python3 -m sandbox.railway.lifecycle summary     --sandbox-json PATH
    python3 -m sandbox.railway.lifecycle finish      --admin URL --app-json PATH --out PATH [--timeout S]
        (ensure-base + write-json + summary in one process: bin/up's warm path stays fast)
"""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

from .util import atomic_write_json

IN_PROGRESS = ("QUEUED", "WAITING", "NEEDS_APPROVAL", "INITIALIZING", "BUILDING", "DEPLOYING")


class AdminError(Exception):
    pass


def call(admin, method, path, body=None, timeout=30):
    data = json.dumps(body).encode("utf-8") if body is not None else None
    req = urllib.request.Request(admin.rstrip("/") + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            ctype = r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise AdminError(f"{method} {path}: HTTP {exc.code}: {exc.read().decode('utf-8', 'replace')}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise AdminError(f"{method} {path}: {exc}") from exc
    return json.loads(raw) if "json" in ctype else raw.decode("utf-8", "replace")


def log(msg):
    print(f"  {msg}", flush=True)


def _active(admin):
    state = call(admin, "GET", "/state")
    active_id = state.get("active_deployment_id")
    deps = {d["id"]: d for d in state.get("deployments", [])}
    return state, deps.get(active_id) if active_id else None


def _build_tail(admin, dep_id, n=25):
    try:
        text = call(admin, "GET", f"/logs/{dep_id}?kind=build")
    except AdminError:
        return ""
    return "\n".join(text.splitlines()[-n:])


def deploy_base(admin, base, timeout):
    log(f"deploying the base commit {base[:12]} ...")
    t0 = time.monotonic()
    res = call(admin, "POST", "/deploy", {"commit": base, "wait": timeout}, timeout=timeout + 30)
    status = res.get("status")
    if status != "SUCCESS":
        sys.stderr.write(f"base deployment {res.get('deployment_id')} ended {status}; build log tail:\n"
                         f"{_build_tail(admin, res.get('deployment_id'))}\n")
        raise AdminError(f"base deployment did not reach SUCCESS (status {status})")
    log(f"base deployment {res['deployment_id']} SUCCESS in {time.monotonic() - t0:.1f}s")
    return res["deployment_id"]


def ensure_base(admin, app_json, timeout):
    with open(app_json, encoding="utf-8") as fh:
        app = json.load(fh)
    seeded = call(admin, "POST", "/seed", {"app_json": os.path.abspath(app_json)})
    if seeded.get("created"):
        log(f"seeded project {seeded['project_name']} / {seeded['environment_name']} / {seeded['service_name']}")
    deadline = time.monotonic() + timeout
    while True:
        state, active = _active(admin)
        busy = [d for d in state.get("deployments", []) if d["status"] in IN_PROGRESS]
        if active and active["status"] == "SUCCESS" and not active.get("deploymentStopped"):
            if active.get("running"):
                log(f"active deployment {active['id']} SUCCESS ({(active.get('commit') or '')[:12]}), running")
                return active["id"]
        elif not busy:
            return deploy_base(admin, app["commits"]["base"], max(30, deadline - time.monotonic()))
        if time.monotonic() > deadline:
            raise AdminError("timed out waiting for the active deployment to run")
        time.sleep(0.1)


def reset_base(admin, app_json, timeout):
    with open(app_json, encoding="utf-8") as fh:
        app = json.load(fh)
    call(admin, "POST", "/seed", {"app_json": os.path.abspath(app_json)})
    call(admin, "POST", "/reset", {"clear_deployments": True, "reset_variables": True}, timeout=60)
    log("emulator reset: deployments stopped and forgotten, faults/counters cleared, variables re-seeded")
    return deploy_base(admin, app["commits"]["base"], timeout)


def write_json(admin, app_json, out):
    with open(app_json, encoding="utf-8") as fh:
        data = json.load(fh)
    creds = call(admin, "GET", "/credentials")
    if not creds.get("seeded"):
        raise AdminError("the emulator is not seeded")
    state = call(admin, "GET", "/state")
    api_base = state["config"]["api_base"].rstrip("/")
    data.update({
        "api_url": f"{api_base}/graphql/v2",
        "admin_url": f"{api_base}/_emulator",
        "backboard_url": api_base,
        "domain_url": creds["domain_url"],
        "project_token": creds["project_token"],
        "account_token": creds["account_token"],
        "project_id": creds["project_id"],
        "project_name": creds["project_name"],
        "environment_id": creds["environment_id"],
        "environment_name": creds["environment_name"],
        "service_id": creds["service_id"],
        "service_name": creds["service_name"],
        # Railway's default network: the app reaches Postgres on its private name; the controller only through
        # the Postgres service's TCP proxy (DATABASE_PUBLIC_URL)
        "postgres_service_id": creds.get("postgres_service_id"),
        "tcp_proxy_port": creds.get("tcp_proxy_port"),
        "private_database_host": "postgres.railway.internal:5432",
    })
    db = data.get("db") or {}
    if creds.get("tcp_proxy_port") and db.get("user"):
        data["database_public_url"] = (f"postgresql://{db['user']}:{db.get('password', '')}@127.0.0.1:"
                                       f"{creds['tcp_proxy_port']}/{db.get('name', '')}")
    atomic_write_json(out, data, mode=0o600)
    return data


def summary(path):
    with open(path, encoding="utf-8") as fh:
        d = json.load(fh)
    print("sandbox is up:")
    print(f"  emulator (Railway API)  {d['api_url']}")
    print(f"  admin API               {d['admin_url']}")
    print(f"  domain (the app)        {d['domain_url']}")
    print(f"  project token           {d['project_token']}   (header Project-Access-Token)")
    print(f"  account token           {d['account_token']}   (header Authorization: Bearer)")
    print(f"  project/env/service     {d['project_name']} / {d['environment_name']} / {d['service_name']}")
    print(f"  DATABASE_URL            {d['database_url']}")
    print(f"  state                   {path}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m sandbox.railway.lifecycle")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("health", "reset", "ensure-base", "reset-base", "write-json", "finish"):
        p = sub.add_parser(name)
        p.add_argument("--admin", required=True)
        if name not in ("health", "reset"):
            p.add_argument("--app-json", required=True)
        if name in ("ensure-base", "reset-base", "finish"):
            p.add_argument("--timeout", type=float, default=300)
        if name in ("write-json", "finish"):
            p.add_argument("--out", required=True)
    p = sub.add_parser("summary")
    p.add_argument("--sandbox-json", required=True)
    args = ap.parse_args(argv)
    try:
        if args.cmd == "health":
            h = call(args.admin, "GET", "/health", timeout=2)
            print(h.get("pid", ""))
        elif args.cmd == "reset":
            call(args.admin, "POST", "/reset", {"clear_deployments": True, "reset_variables": True}, timeout=60)
        elif args.cmd == "ensure-base":
            ensure_base(args.admin, args.app_json, args.timeout)
        elif args.cmd == "reset-base":
            reset_base(args.admin, args.app_json, args.timeout)
        elif args.cmd == "write-json":
            write_json(args.admin, args.app_json, args.out)
        elif args.cmd == "summary":
            summary(args.sandbox_json)
        elif args.cmd == "finish":
            ensure_base(args.admin, args.app_json, args.timeout)
            write_json(args.admin, args.app_json, args.out)
            log(f"wrote {args.out} (0600)")
            summary(args.out)
    except AdminError as exc:
        if args.cmd != "health":
            sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
