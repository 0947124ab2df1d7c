"""Write several files atomically in one process (the report, and the ledger beside it).

stdin: {"files": {"<path>": {"content": "...", "mode": "0640"}}, "dir_mode": "0750"}
Each file: temporary file in the same directory, fsync, rename over the target, fsync the directory; so a
reader sees the old file or the new one, never half of one. Unchanged content is not rewritten.
stdout: {"written": [...], "unchanged": [...]}
"""
import json
import os
import sys
import tempfile


def write(path, content, mode):
    data = content.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except FileNotFoundError:
        pass
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return True


def main():
    spec = json.load(sys.stdin)
    out = {"written": [], "unchanged": []}
    for path, item in spec["files"].items():
        os.makedirs(os.path.dirname(path), mode=int(spec.get("dir_mode", "0750"), 8), exist_ok=True)
        content = item["content"] if item["content"].endswith("\n") else item["content"] + "\n"
        changed = write(path, content, int(item.get("mode", "0640"), 8))
        out["written" if changed else "unchanged"].append(path)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
