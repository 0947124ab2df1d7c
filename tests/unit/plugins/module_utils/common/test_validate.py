"""Option checks: the option and the fix are named, secrets never shown, URL passwords masked before parsing."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common import validate
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError

SECRET = "pa55-w0rd-91"


@pytest.mark.parametrize("url", ["http://u:%s@[::1/x" % SECRET, "http://u:%s@exa mple.com/" % SECRET,
                                 "postgresql://u:%s@h:99999/db" % SECRET])
def test_the_password_of_a_url_that_does_not_parse_is_masked(url):
    assert SECRET not in validate.mask_url(url) and "********" in validate.mask_url(url)
    assert validate.url_password(url) == SECRET
    with pytest.raises(InvalidInputError) as info:
        validate.check_url("api_url", url, schemes=("http", "https", "postgresql"))
    assert SECRET not in str(info.value) and "api_url" in str(info.value)


def test_an_at_sign_in_the_path_does_not_hide_the_password():
    url = "https://u:%s@host/a@b" % SECRET
    assert validate.url_password(url) == SECRET and validate.mask_url(url) == "https://u:********@host/a@b"
    assert validate.url_password("https://host/a@b") is None


def test_a_secret_url_is_never_shown():
    with pytest.raises(InvalidInputError) as info:
        validate.check_url("webhook_url", "http://hooks.example/%s x" % SECRET, secret=True)
    assert SECRET not in str(info.value) and "webhook_url contains a space" in str(info.value)


@pytest.mark.parametrize("value,words", [(0, "more than 0"), (-1, "more than 0"), (float("nan"), "not a usable"),
                                         (float("inf"), "not a usable"), ("10", "must be a number"),
                                         (True, "must be a number"), (90000, "at most")])
def test_timeouts(value, words):
    with pytest.raises(InvalidInputError, match=words) as info:
        validate.check_timeout("http_timeout", value)
    assert "http_timeout" in str(info.value) and "Fix:" in str(info.value)


def test_header_values_with_line_breaks_are_refused_without_being_quoted():
    for value in (SECRET + "\r\nX-Evil: 1", SECRET + "\n", "a\x00" + SECRET):
        with pytest.raises(InvalidInputError) as info:
            validate.check_headers("webhook_headers", {"Authorization": value})
        assert SECRET not in str(info.value) and repr(SECRET)[1:-1] not in str(info.value)
        assert "Authorization" in str(info.value)


def test_good_values_pass():
    assert validate.check_url("u", "https://[::1]:8443/p?q=1") == "https://[::1]:8443/p?q=1"
    assert validate.check_timeout("t", 0.5) == 0.5
    assert validate.check_count("n", 0) == 0
    assert validate.check_headers("h", {"X-Token": "abc"}) == {"X-Token": "abc"}
    assert validate.check_address("mail_to", "Ops <ops@example.com>") == "Ops <ops@example.com>"
    assert validate.mask_url("https://host/x") == "https://host/x"
