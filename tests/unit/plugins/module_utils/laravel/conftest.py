"""Verbatim artisan captures (tests/fixtures/laravel/<version>/<name>.txt, exit codes in captures.json)."""

import json
import os

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "fixtures", "laravel")


def _read(key):
    with open(os.path.join(FIXTURES, key + ".txt"), encoding="utf-8") as handle:
        return handle.read()


@pytest.fixture
def capture():
    """capture('8/04_migrate_status_after') -> the captured stdout, byte for byte."""
    return _read


@pytest.fixture(scope="session")
def captures_index():
    with open(os.path.join(FIXTURES, "captures.json"), encoding="utf-8") as handle:
        return json.load(handle)
