"""Run the real phpdotenv on a file (``phpdotenv_oracle.php``): 5.4 from Debian, 5.6 from the shared vendor dir."""

import json
import os
import shutil
import subprocess

from tests.support.modules import REPO_ROOT

ORACLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "phpdotenv_oracle.php")
DEBIAN_AUTOLOAD = "/usr/share/php/Dotenv/autoload.php"
SHARED_RELATIVE = os.path.join("vendor", "phpdotenv-5.6.4", "src")
# The shared directory sits beside the main checkout (../shared); CI clones elsewhere, so /work/shared is tried too.
SHARED_CANDIDATES = (
    os.environ.get("FACTURINO_PHPDOTENV_56_SRC", ""),
    os.path.join(os.path.dirname(REPO_ROOT), "shared", SHARED_RELATIVE),
    os.path.join(os.path.dirname(os.path.dirname(REPO_ROOT)), "shared", SHARED_RELATIVE),
    os.path.join("/work", "shared", SHARED_RELATIVE),
)
TIMEOUT = 30


def php():
    return shutil.which("php")


def sources():
    """``{version: (source argument, None) or (None, why it is missing)}``."""
    found = {}
    if not php():
        missing = "php is not installed (make php-oracle installs php-cli and php-vlucas-phpdotenv)"
        return {"5.4": (None, missing), "5.6": (None, missing)}
    found["5.4"] = ("debian", None) if os.path.isfile(DEBIAN_AUTOLOAD) else (
        None, "%s is missing (make php-oracle installs php-vlucas-phpdotenv)" % DEBIAN_AUTOLOAD)
    for candidate in SHARED_CANDIDATES:
        if candidate and os.path.isfile(os.path.join(candidate, "Dotenv.php")):
            found["5.6"] = (candidate, None)
            break
    else:
        found["5.6"] = (None, "phpdotenv 5.6.4 sources not found in any of: %s"
                        % ", ".join(c for c in SHARED_CANDIDATES if c))
    if found["5.6"][0] and not os.path.isfile(DEBIAN_AUTOLOAD):
        found["5.6"] = (None, "phpdotenv 5.6 needs Debian's php-phpoption and php-graham-campbell-result-type "
                              "(make php-oracle installs them)")
    return found


def load(source, paths, environment=None):
    """What phpdotenv makes of each of ``paths``, in order, in a process whose environment is ``environment``.

    Each answer is ``{"ok": True, "values": [[name, value], ...]}`` or ``{"ok": False, "reason": ..., "line": N}``.
    """
    env = dict(environment or {})
    completed = subprocess.run([php(), ORACLE, source] + list(paths), capture_output=True, text=True,
                               timeout=TIMEOUT + len(paths), env=env, check=False)
    if completed.returncode != 0:
        raise RuntimeError("phpdotenv oracle failed (rc %d): %s" % (completed.returncode, completed.stderr.strip()))
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    if len(answers) != len(paths):
        raise RuntimeError("phpdotenv oracle answered %d of %d files: %s"
                           % (len(answers), len(paths), completed.stderr.strip()))
    return answers
