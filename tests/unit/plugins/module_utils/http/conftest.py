"""Scripted local HTTP(S) servers shared by the http wing's tests."""

import itertools

import pytest

from tests.support import scripted_http

_KEYS = itertools.count()


@pytest.fixture(scope="session")
def server():
    with scripted_http.start() as srv:
        yield srv


@pytest.fixture(scope="session")
def tls_server():
    with scripted_http.start(tls=True) as srv:
        yield srv


@pytest.fixture
def key(request):
    """A counter key unique to the test, for /flap/<key> and /sequence/<key>."""
    return "%s-%d" % (request.node.name.replace("[", "-").replace("]", ""), next(_KEYS))
