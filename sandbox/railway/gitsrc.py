"""Reading the service's source repository (the sandbox's "GitHub": a bare git repo)."""
import io
import os
import subprocess
import tarfile


class SourceError(Exception):
    pass


def _git(repo, *args, check=True, binary=False, timeout=60):
    cmd = ["git", f"--git-dir={repo}", *args]
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    p = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout, check=False)
    if check and p.returncode != 0:
        raise SourceError(p.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return p.stdout if binary else p.stdout.decode("utf-8", "replace")


def git_dir(repo):
    """Accept a bare repo or a working clone."""
    dotgit = os.path.join(repo, ".git")
    return dotgit if os.path.isdir(dotgit) else repo


def resolve(repo, ref):
    """Full commit sha for ``ref`` (sha, short sha, branch, tag) or None."""
    if not ref or not os.path.exists(repo):
        return None
    try:
        out = _git(git_dir(repo), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except (SourceError, subprocess.TimeoutExpired):
        return None
    out = out.strip()
    return out or None


def branch_tip(repo, branch):
    return resolve(repo, f"refs/heads/{branch}")


def commit_info(repo, sha):
    try:
        out = _git(git_dir(repo), "log", "-1", "--format=%H%x00%s%x00%an%x00%ae%x00%cI", sha)
    except SourceError:
        return {}
    parts = out.rstrip("\n").split("\0")
    if len(parts) < 5:
        return {}
    return {"commitHash": parts[0], "commitMessage": parts[1], "commitAuthor": parts[2],
            "commitAuthorEmail": parts[3], "commitDate": parts[4]}


def _safe_extract(tf, dest):
    """extractall with the 'data' filter (absolute paths, '..', links out of dest and devices refused)."""
    if hasattr(tarfile, "data_filter"):
        tf.extractall(dest, filter="data")
        return
    root = os.path.realpath(dest)
    members = []
    for m in tf.getmembers():
        target = os.path.realpath(os.path.join(root, m.name))
        if not (target == root or target.startswith(root + os.sep)):
            raise SourceError(f"unsafe path in archive: {m.name}")
        if m.issym() or m.islnk():
            link = os.path.realpath(os.path.join(os.path.dirname(target), m.linkname))
            if not link.startswith(root + os.sep):
                raise SourceError(f"unsafe link in archive: {m.name}")
        if m.isdev():
            continue
        members.append(m)
    tf.extractall(dest, members=members)


def export(repo, sha, dest):
    """``git archive <sha>`` extracted into ``dest``."""
    data = _git(git_dir(repo), "archive", "--format=tar", sha, binary=True, timeout=120)
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
        _safe_extract(tf, dest)


def extract_upload(archive, dest):
    """An uploaded ``railway up`` gzip tarball extracted into ``dest`` (paths made safe)."""
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(archive, mode="r:gz") as tf:
        _safe_extract(tf, dest)


def check_upload(data):
    """Validate an upload body: a gzip-compressed tar.  Returns the number of regular files."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tf:
            return sum(1 for m in tf.getmembers() if m.isfile())
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SourceError(f"invalid tarball: {exc}") from exc
