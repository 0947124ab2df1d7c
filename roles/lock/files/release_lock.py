"""Release lock: one directory per environment, created atomically.

acquire: the lock directory is prepared under a private name (with owner.json inside) and renamed into
place; rename(2) onto an existing, non-empty directory fails, so exactly one concurrent caller wins and
the lock never exists without its owner record. A lock past its TTL is taken over (rename it aside; one
racer wins) and the caller is told so. release: only the holder (same run_id) removes the lock.
force: remove whatever is there (unlock.yml), reporting the previous holder. inspect: read only.

Prints one JSON object; exit code 0 except for bad usage.
"""
import json
import os
import shutil
import socket
import sys
import time


def read_holder(path):
    try:
        with open(os.path.join(path, "owner.json"), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {"owner": "unknown", "run_id": "unknown", "note": "owner record unreadable"} if os.path.isdir(path) else None


def try_create(path, record):
    staging = "%s.new.%s.%d" % (path, record["run_id"], os.getpid())
    os.mkdir(staging, 0o700)
    with open(os.path.join(staging, "owner.json"), "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.rename(staging, path)
        return True
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return False


def remove(path, tag):
    aside = "%s.gone.%s.%d" % (path, tag, os.getpid())
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    shutil.rmtree(aside, ignore_errors=True)
    return True


def main():
    action, path, run_id, owner, ttl = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    takeover = len(sys.argv) < 7 or sys.argv[6].lower() in ("1", "true", "yes")
    now = time.time()
    out = {"action": action, "path": path, "run_id": run_id, "acquired": False, "released": False,
           "took_over": False, "stale": False, "holder": None, "changed": False}
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    holder = read_holder(path)
    if holder is not None:
        expires = holder.get("expires_at", 0)
        out["holder"] = holder
        out["stale"] = bool(expires and now > expires)
    if action == "inspect":
        out["held"] = holder is not None
    elif action == "acquire":
        if holder is not None and holder.get("run_id") == run_id:
            out["acquired"] = True                   # re-entrant within one run
        else:
            record = {"owner": owner, "run_id": run_id, "host": socket.gethostname(), "pid": os.getppid(),
                      "started_at": now, "started_at_iso": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                      "ttl": ttl, "expires_at": now + ttl}
            for _attempt in range(2):
                if try_create(path, record):
                    out.update(acquired=True, changed=True)
                    break
                holder = read_holder(path)
                out["holder"] = holder
                expires = (holder or {}).get("expires_at", 0)
                out["stale"] = bool(expires and now > expires)
                if not out["stale"] or not takeover:
                    break
                if remove(path, "stale-" + run_id):    # one racer wins the takeover
                    out["took_over"] = True
            if out["acquired"]:
                out["holder"] = record if not out["took_over"] else out["holder"]
                out["lock"] = record
    elif action == "release":
        if holder is not None and holder.get("run_id") == run_id:
            out["released"] = out["changed"] = remove(path, "released-" + run_id)
    elif action == "force":
        if holder is not None:
            out["released"] = out["changed"] = remove(path, "forced-" + run_id)
    else:
        print(json.dumps({"failed": True, "msg": "unknown action %s" % action}))
        return 2
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
