"""`make test` runs sandbox and integration files in two lists; a file in neither would silently never run."""

import glob
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _make_list(text, name):
    match = re.search(r"^%s := ((?:.*\\\n)*.*)$" % name, text, re.M)
    assert match, "%s is not defined in the Makefile" % name
    return set(match.group(1).replace("\\\n", " ").split())


def test_every_sandbox_and_integration_file_is_in_exactly_one_suite():
    with open(os.path.join(REPO, "Makefile"), encoding="utf-8") as handle:
        text = handle.read()
    isolated = _make_list(text, "ISOLATED_TESTS")
    shared_a, shared_b = _make_list(text, "SHARED_TESTS_A"), _make_list(text, "SHARED_TESTS_B")
    assert not shared_a & shared_b
    shared = shared_a | shared_b
    on_disk = {os.path.relpath(path, REPO) for pattern in ("tests/sandbox/test_*.py", "tests/integration/test_*.py")
               for path in glob.glob(os.path.join(REPO, pattern))}
    assert not isolated & shared
    assert isolated | shared == on_disk
