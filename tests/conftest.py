"""Fixtures shared by every test suite."""

import json
import os
import subprocess

import pytest

from tests.support.modules import REPO_ROOT, run_module as _run_module

# SANDBOX_STATE_DIR selects a second sandbox of the same checkout (the version matrix runs its own).
SANDBOX_STATE = os.path.join(os.environ.get("SANDBOX_STATE_DIR") or os.path.join(REPO_ROOT, "sandbox", ".state"),
                             "sandbox.json")


@pytest.fixture
def run_module():
    return _run_module


@pytest.fixture(scope="session")
def sandbox():
    """The running sandbox's state (sandbox.json); brings the sandbox up when it is not."""
    subprocess.run([os.path.join(REPO_ROOT, "sandbox", "bin", "up")], check=True, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL)
    with open(SANDBOX_STATE, encoding="utf-8") as handle:
        return json.load(handle)
