"""Read-only facts about the release from git, and a build tree of exactly the release commit.

Input (JSON on stdin): app_path, ref, tag, workdir_root, migrations_dir, composer (list of {name, version?, min?, max?}),
npm (same), export (bool).
Output (JSON on stdout): clean, branch, dirty, commit, tag{exists, commit, annotated}, migrations, workdir, exported,
dependencies{composer, npm: {source, checked: [{name, expected, installed, ok, reason}]}}.

The build tree is `git archive <commit>` extracted under a private name and renamed into place, so it is either whole
or absent; untracked vendor/ and node_modules/ of the operator's checkout are linked in (as `railway run` would use them).
It never changes the operator's checkout, refs or index.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import io


def git(app, *args, check=True):
    proc = subprocess.run(["git", "-C", app] + list(args), capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError("git %s failed (rc=%d): %s" % (" ".join(args), proc.returncode, proc.stderr.strip()))
    return proc


def version_tuple(text):
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3]) or (0,)


def check_packages(expected, installed, source):
    checked = []
    for want in expected:
        name = want["name"]
        have = installed.get(name) if installed is not None else None
        expected = want.get("version") or ((">=%s" % want["min"]) if want.get("min") else "any")
        item = {"name": name, "expected": expected,
                "installed": have, "ok": True, "reason": ""}
        if installed is None:
            item.update(ok=True, reason="no lock file: not checked")
        elif have is None:
            item.update(ok=False, reason="%s is not installed (not in %s)" % (name, source))
        else:
            clean = have.lstrip("v^~=")
            prefix = want.get("version")
            if prefix and prefix not in ("*", "any") and not (clean == prefix or clean.startswith(prefix + ".")
                                                              or (source == "composer.json" and prefix in have)):
                item.update(ok=False, reason="%s %s does not match %s" % (name, have, prefix))
            if want.get("min") and version_tuple(clean) < version_tuple(want["min"]):
                item.update(ok=False, reason="%s %s is older than %s" % (name, have, want["min"]))
            if want.get("max") and version_tuple(clean) >= version_tuple(want["max"]):
                item.update(ok=False, reason="%s %s is not below %s" % (name, have, want["max"]))
        checked.append(item)
    return checked


def load_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def dependencies(tree, spec):
    result = {}
    lock = load_json(os.path.join(tree, "composer.lock"))
    if lock is not None:
        installed = {p["name"]: p.get("version", "") for p in lock.get("packages", []) + lock.get("packages-dev", [])}
        source = "composer.lock"
    else:
        manifest = load_json(os.path.join(tree, "composer.json"))
        installed = dict((manifest or {}).get("require", {})) if manifest is not None else None
        source = "composer.json" if manifest is not None else "none"
    result["composer"] = {"source": source, "checked": check_packages(spec.get("composer", []), installed, source)}
    lock = load_json(os.path.join(tree, "package-lock.json"))
    if lock is not None:
        installed = {k.split("node_modules/")[-1]: v.get("version", "") for k, v in lock.get("packages", {}).items() if k}
        installed.update({k: v.get("version", "") for k, v in lock.get("dependencies", {}).items()})
        source = "package-lock.json"
    else:
        installed, source = None, "none"
    result["npm"] = {"source": source, "checked": check_packages(spec.get("npm", []), installed, source)}
    return result


def export(app, commit, workdir):
    marker = os.path.join(workdir, ".release-commit")
    if os.path.isdir(workdir):
        try:
            with open(marker, encoding="utf-8") as handle:
                if handle.read().strip() == commit:
                    return False
        except OSError:
            pass
        shutil.rmtree(workdir)
    staging = "%s.tmp.%d" % (workdir, os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging, mode=0o700)
    data = subprocess.run(["git", "-C", app, "archive", "--format=tar", commit], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(staging, filter="tar") if hasattr(tarfile, "tar_filter") else archive.extractall(staging)
    for name in ("vendor", "node_modules"):
        src = os.path.join(app, name)
        if os.path.isdir(src) and not os.path.exists(os.path.join(staging, name)):
            os.symlink(os.path.abspath(src), os.path.join(staging, name))
    for sub in ("storage/logs", "storage/framework/cache/data", "storage/framework/sessions",
                "storage/framework/views", "bootstrap/cache"):
        os.makedirs(os.path.join(staging, sub), exist_ok=True)
    with open(os.path.join(staging, ".release-commit"), "w", encoding="utf-8") as handle:
        handle.write(commit + "\n")
    os.rename(staging, workdir)
    return True


def main():
    spec = json.load(sys.stdin)
    app = spec["app_path"]
    out = {"app_path": app, "ref": spec["ref"], "tag_name": spec["tag"]}
    status = git(app, "status", "--porcelain=v1", "--branch", "--untracked-files=normal").stdout.splitlines()
    out["branch"] = status[0][3:].split("...")[0] if status and status[0].startswith("## ") else None
    out["dirty"] = [line[3:] for line in status[1:]]
    out["clean"] = not out["dirty"]
    commit = git(app, "rev-parse", "--verify", "--quiet", spec["ref"] + "^{commit}", check=False)
    if commit.returncode != 0:
        print(json.dumps({"failed": True, "msg": "Ref '%s' does not exist in %s. Fix: fetch it (git fetch origin) or set "
                          "release_ref to an existing branch, tag or commit." % (spec["ref"], app)}))
        return 0
    out["commit"] = commit.stdout.strip()
    out["commit_subject"] = git(app, "log", "-1", "--format=%s", out["commit"]).stdout.strip()
    tag = git(app, "for-each-ref", "--format=%(objecttype) %(objectname) %(*objectname)", "refs/tags/" + spec["tag"]).stdout.split()
    out["tag"] = {"exists": bool(tag), "annotated": bool(tag) and tag[0] == "tag",
                  "commit": (tag[2] if len(tag) > 2 else tag[1]) if tag else None}
    mig_dir = spec.get("migrations_dir", "database/migrations").rstrip("/") + "/"
    listing = git(app, "ls-tree", "--name-only", out["commit"], mig_dir).stdout.splitlines()
    out["migrations"] = sorted(os.path.basename(p)[:-4] for p in listing if p.endswith(".php"))
    workdir = os.path.join(spec["workdir_root"], "%s-%s" % (re.sub(r"[^A-Za-z0-9._-]", "_", spec["tag"]), out["commit"][:12]))
    out["workdir"] = workdir
    out["exported"] = export(app, out["commit"], workdir) if spec.get("export", True) else False
    out["changed"] = False          # a scratch build tree, not a change to the release
    tree = workdir if os.path.isdir(workdir) else app
    out["dependencies"] = dependencies(tree, spec)
    out["commands"], out["commands_skipped"] = [], []
    for cmd in spec.get("commands", []):
        needed = cmd.get("creates_if")
        if needed and not os.path.exists(os.path.join(tree, needed)):
            out["commands_skipped"].append({"name": cmd["name"], "reason": "%s not found in the app" % needed})
        else:
            out["commands"].append(cmd)
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        print(json.dumps({"failed": True, "msg": "release tree: %s" % exc}))
        sys.exit(0)
